-- The technical qualification of each New customer (activity, no opportunity yet), rebuilt whole
-- (se_pipeline/artifacts/qualification.py); one file per customer under <home>/reports/se/technical_qualification/.
CREATE TABLE IF NOT EXISTS technical_qualification (
    customer            VARCHAR PRIMARY KEY,
    se_id               VARCHAR,
    first_seen          DATE,
    last_seen           DATE,
    asks                JSON,                  -- [{day, who, question, capability, mapping: recorded gap | supported | answered | open, detail, link}]
    open_questions      JSON,                  -- [{question, day, link}]
    stakeholders        JSON,                  -- [{name, email, domain, role, messages, first_seen}]
    computed_at         TIMESTAMPTZ NOT NULL
);

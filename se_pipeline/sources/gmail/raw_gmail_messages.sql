-- One row per email per SE mailbox, MIME parsed to clean text.
-- key: message_key; written per partition_date (the email's local day).
CREATE TABLE IF NOT EXISTS raw_gmail_messages (
    message_key     VARCHAR PRIMARY KEY,   -- '<se_id>:<rfc822 Message-ID>'
    partition_date  DATE NOT NULL,
    se_id           VARCHAR NOT NULL,      -- whose mailbox
    gmail_id        VARCHAR,               -- API id (null for mbox)
    thread_id       VARCHAR,               -- Gmail thread id, else the root of References
    message_id      VARCHAR NOT NULL,      -- RFC 822 Message-ID, with angle brackets
    in_reply_to     VARCHAR,
    reference_ids   VARCHAR[],             -- the References header, oldest first
    subject         VARCHAR,
    from_name       VARCHAR,
    from_email      VARCHAR,
    to_emails       VARCHAR[],
    cc_emails       VARCHAR[],
    sent_at         TIMESTAMPTZ NOT NULL,
    labels          VARCHAR[],
    body_text       VARCHAR,               -- the new text only
    quoted_text     VARCHAR,               -- quoted history, separated
    signature       VARCHAR,
    attachments     VARCHAR[],             -- file names, not content
    is_automated    BOOLEAN,               -- List-Unsubscribe / Auto-Submitted / auto-reply subjects / calendar / no-reply senders / known tools
    permalink       VARCHAR NOT NULL,      -- https://mail.google.com/mail/u/0/#search/rfc822msgid%3A<…>
    payload         JSON,                  -- headers and parts summary (not attachment bytes)
    calendar        JSON                   -- the event of a text/calendar part: method, summary, start, end, organizer, attendees (with partstat)
);
-- Warehouses made before the calendar column get it (NULL for mail loaded before).
ALTER TABLE raw_gmail_messages ADD COLUMN IF NOT EXISTS calendar JSON;

"""replace_slice: a step's rows replace its slice of a table, by column name, atomically."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from se_pipeline.warehouse import WHOLE_TABLE, AnyOf, Between, replace_slice, transaction

D1, D2, D3 = dt.date(2030, 3, 4), dt.date(2030, 3, 5), dt.date(2030, 3, 6)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE notes (day DATE, team VARCHAR, body VARCHAR, score INTEGER)")
    con.execute("INSERT INTO notes VALUES (DATE '2030-03-04', 'red', 'old red', 1), "
                "(DATE '2030-03-05', 'red', 'kept', 2), (DATE '2030-03-04', 'blue', 'old blue', 3)")
    yield con
    con.close()


def rows(con) -> list[tuple]:
    return con.execute("SELECT day, team, body, score FROM notes ORDER BY day, team, body").fetchall()


def test_rows_go_in_by_name_whatever_their_order(con):
    # Columns in another order than the table's, and one left out: matched by name, the missing one NULL.
    frame = pd.DataFrame({"score": [7], "body": ["new red"], "team": ["red"], "day": [D1]})
    assert replace_slice(con, "notes", frame, {"day": D1, "team": "red"}) == 1
    assert rows(con) == [(D1, "blue", "old blue", 3), (D1, "red", "new red", 7), (D2, "red", "kept", 2)]

    dicts = [{"body": "from dicts", "day": D1, "team": "blue"}]
    replace_slice(con, "notes", dicts, {"day": D1, "team": "blue"})
    assert (D1, "blue", "from dicts", None) in rows(con)


def test_a_relation_of_the_connection_is_written_by_name(con):
    relation = con.sql("SELECT 'green' AS team, $day::DATE AS day, 'from sql' AS body", params={"day": D3})
    replace_slice(con, "notes", relation, {"day": Between(D3, D3)})
    assert (D3, "green", "from sql", None) in rows(con)


def test_running_a_slice_again_never_duplicates(con):
    frame = pd.DataFrame({"day": [D1, D2], "team": ["red", "red"], "body": ["a", "b"], "score": [1, 2]})
    for _ in range(3):
        replace_slice(con, "notes", frame, {"day": Between(D1, D2), "team": AnyOf(["red"])})
    assert rows(con) == [(D1, "blue", "old blue", 3), (D1, "red", "a", 1), (D2, "red", "b", 2)]


def test_the_whole_table_and_an_empty_slice(con):
    replace_slice(con, "notes", [], {"team": AnyOf([])})  # no team named: nothing deleted
    assert len(rows(con)) == 3
    replace_slice(con, "notes", [{"day": D3, "team": "red", "body": "only", "score": 0}], WHOLE_TABLE)
    assert rows(con) == [(D3, "red", "only", 0)]


def test_values_cannot_inject_sql(con):
    hostile = "red' OR '1'='1"
    replace_slice(con, "notes", [{"day": D1, "team": hostile, "body": "x", "score": 0}], {"team": hostile})
    # Only the hostile team's slice was replaced: the red and blue rows are all still there.
    assert len(rows(con)) == 4
    replace_slice(con, "notes", [], {"body": AnyOf(["kept'); DROP TABLE notes; --"])})
    assert len(rows(con)) == 4


def test_an_unknown_column_is_refused_before_anything_changes(con):
    with pytest.raises(ValueError, match="notes has no column 'team OR 1=1'"):
        replace_slice(con, "notes", [], {"team OR 1=1": "red"})
    assert len(rows(con)) == 3


def test_a_row_outside_its_slice_writes_nothing(con):
    # A row for D2 written as D1's slice would be kept twice by a re-run: refused, and D1 is untouched.
    with pytest.raises(ValueError, match="1 of the 1 rows written to notes are outside the slice"):
        replace_slice(con, "notes", [{"day": D2, "team": "red", "body": "stray", "score": 0}], {"day": D1})
    assert rows(con) == [(D1, "blue", "old blue", 3), (D1, "red", "old red", 1), (D2, "red", "kept", 2)]


def test_slices_in_a_callers_transaction_commit_together(con):
    with pytest.raises(RuntimeError):
        with transaction(con):
            replace_slice(con, "notes", [{"day": D1, "team": "red", "body": "new", "score": 0}], {"day": D1})
            raise RuntimeError("a later step failed")
    assert len(rows(con)) == 3  # the first write was rolled back with the rest

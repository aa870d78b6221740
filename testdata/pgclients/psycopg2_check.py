"""Drives Strata's PostgreSQL endpoint with psycopg2 (Debian python3-psycopg2)
as applications use it: client-side parameters, transactions (autocommit is
off by default, so psycopg2 sends BEGIN), and a server-side named cursor
(DECLARE ... CURSOR WITH HOLD / FETCH FORWARD / CLOSE, and SCROLL with MOVE back). Connection from the
libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE)."""
import datetime
import decimal
import io

import psycopg2
import psycopg2.errors

conn = psycopg2.connect("")
cur = conn.cursor()

cur.execute("SELECT host, usage, n, ok, time FROM cpu ORDER BY time")
rows = cur.fetchall()
assert [d.name for d in cur.description] == ["host", "usage", "n", "ok", "time"], cur.description
assert rows[0][:4] == ("a", 1.5, 1, True), rows[0]
assert rows[0][4] == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc), rows[0][4]
assert rows[1][2] is None

t0 = datetime.datetime(2023, 11, 14, 22, 13, 25, tzinfo=datetime.timezone.utc)
cur.execute("SELECT host, usage FROM cpu WHERE time >= %s AND host = %s ORDER BY time", (t0, "a"))
assert cur.fetchall() == [("a", 3.5)]

cur.execute("INSERT INTO cpu (time, host, usage) VALUES (%s, %s, %s)",
            (datetime.datetime(2023, 11, 14, 22, 13, 50, tzinfo=datetime.timezone.utc), "py", 6.5))
assert cur.rowcount == 1
conn.commit()

try:
    cur.execute("SELECT usge FROM cpu")
    raise AssertionError("expected an error")
except psycopg2.errors.UndefinedColumn as e:
    assert e.pgcode == "42703"
    assert "usage" in (e.diag.message_hint or ""), e.diag.message_hint
conn.rollback()

# A named (server-side) cursor fetches in batches.
named = conn.cursor(name="big", withhold=True)
named.itersize = 2
named.execute("SELECT host FROM cpu ORDER BY time")
assert [r[0] for r in named] == ["a", "b", "a", "py"]
named.close()
conn.commit()

# A scrollable named cursor (DECLARE ... SCROLL CURSOR) goes back:
# scroll() sends MOVE, relative and absolute.
named = conn.cursor(name="back", scrollable=True)
named.execute("SELECT host FROM cpu ORDER BY time")
assert named.fetchmany(3) == [("a",), ("b",), ("a",)]
named.scroll(-2)
assert named.fetchone() == ("b",)
named.scroll(0, mode="absolute")
assert named.fetchall() == [("a",), ("b",), ("a",), ("py",)]
named.scroll(-1)  # past the end, back onto the last row: none follows it
assert named.fetchone() is None
named.scroll(-2)
assert named.fetchone() == ("py",)
named.close()
# Without scrollable=True the cursor goes forward only, with PostgreSQL's
# error for a cursor that cannot go back.
named = conn.cursor(name="fwd", scrollable=False)
named.execute("SELECT host FROM cpu ORDER BY time")
named.fetchmany(2)
named.scroll(1)
assert named.fetchone() == ("py",)
try:
    named.scroll(-1)
    raise AssertionError("expected an error")
except psycopg2.errors.ObjectNotInPrerequisiteState as e:
    assert e.pgcode == "55000" and "SCROLL" in e.diag.message_hint, (e.pgcode, e.diag.message_hint)
conn.rollback()

# COPY ... FROM STDIN, as loaders use it: copy_expert (CSV with a header)
# and copy_from (text format).
cur = conn.cursor()
cur.copy_expert("COPY cpu (time, host, usage, n) FROM STDIN WITH (FORMAT csv, HEADER)",
                io.StringIO("time,host,usage,n\n2024-01-01 00:00:00+00,csv,7.5,7\n2024-01-01 00:00:01+00,csv,,\n"))
assert cur.rowcount == 2, cur.rowcount
cur.copy_from(io.StringIO("2024-01-01 00:00:02+00\tpy2\t8.5\n"), "cpu", columns=("time", "host", "usage"))
conn.commit()
cur.execute("SELECT host, usage, n FROM cpu WHERE time >= '2024-01-01' ORDER BY time")
assert cur.fetchall() == [("csv", 7.5, 7), ("csv", None, None), ("py2", 8.5, None)]
try:
    cur.copy_expert("COPY cpu (time, host, usage) FROM STDIN (FORMAT csv)", io.StringIO("2024-01-02 00:00:00+00,x,bad\n"))
    raise AssertionError("expected an error")
except psycopg2.errors.InvalidTextRepresentation as e:
    assert "line 1, column usage" in str(e), str(e)
conn.rollback()

# Declared integer, smallint, real and varchar(n) columns: their types
# (cursor.description's type codes), values and errors.
cur.execute("CREATE TABLE decl (time timestamptz NOT NULL, code varchar(4), n integer, s smallint, r real)")
cur.execute("INSERT INTO decl VALUES (%s, %s, %s, %s, %s)", ("2024-01-01 00:00:00+00", "ab", 7, -3, 0.1))
conn.commit()
cur.execute("SELECT code, n, s, r FROM decl")
assert cur.fetchall() == [("ab", 7, -3, 0.1)]
assert [d.type_code for d in cur.description] == [1043, 23, 21, 700], cur.description
try:
    cur.execute("INSERT INTO decl (time, s) VALUES (now(), %s)", (40000,))
    raise AssertionError("expected an error")
except psycopg2.errors.NumericValueOutOfRange as e:
    assert e.pgerror.startswith("ERROR:  smallint out of range"), e.pgerror
conn.rollback()
try:
    cur.copy_from(io.StringIO("2024-01-02 00:00:00+00\tabcdef\n"), "decl", columns=("time", "code"))
    raise AssertionError("expected an error")
except psycopg2.errors.StringDataRightTruncation as e:
    assert "value too long for type character varying(4)" in str(e), str(e)
    assert "line 1, column code" in str(e), str(e)
conn.rollback()

# Declared date and timestamp (without time zone) columns: psycopg2 reads a
# datetime.date and a naive datetime.datetime, and sends a date parameter
# as one; the values are the day and reading written, whatever the zone.
cur.execute("SET TIME ZONE 'America/New_York'")
cur.execute("CREATE TABLE trade (time timestamptz NOT NULL, sym text, day date, at timestamp, PRIMARY KEY (time, sym))")
cur.execute("INSERT INTO trade VALUES (%s, %s, %s, %s)",
            ("2024-01-01 00:00:00+00", "a", datetime.date(2024, 3, 10), datetime.datetime(2024, 3, 10, 2, 30)))
cur.execute("INSERT INTO trade VALUES (%s, %s, %s, %s)",
            ("2024-01-02 00:00:00+00", "b", "2024-03-11 23:00+05", "2024-03-11 12:00+05"))
conn.commit()
cur.execute("SET TIME ZONE 'Asia/Tokyo'")
cur.execute("SELECT sym, day, at FROM trade WHERE day >= %s ORDER BY sym", (datetime.date(2024, 3, 10),))
assert cur.fetchall() == [("a", datetime.date(2024, 3, 10), datetime.datetime(2024, 3, 10, 2, 30)),
                          ("b", datetime.date(2024, 3, 11), datetime.datetime(2024, 3, 11, 12, 0))]
assert [d.type_code for d in cur.description] == [25, 1082, 1114], cur.description
try:
    cur.execute("INSERT INTO trade (time, sym, day) VALUES (now(), 'c', %s)", ("not a date",))
    raise AssertionError("expected an error")
except psycopg2.errors.InvalidDatetimeFormat as e:
    assert 'invalid input syntax for type date: "not a date"' in e.pgerror, e.pgerror
conn.rollback()

# A column declared numeric(10,2): psycopg2 sends a Decimal or a float and
# reads a Decimal of two places; 2.675 rounds to 2.68 as PostgreSQL's.
cur.execute("CREATE TABLE fills (time timestamptz NOT NULL, sym text, px numeric(10,2), PRIMARY KEY (time, sym))")
cur.execute("INSERT INTO fills VALUES (%s, %s, %s), (%s, %s, %s)",
            ("2024-01-01 00:00:00+00", "a", decimal.Decimal("2.675"), "2024-01-01 00:00:01+00", "b", 7.0))
conn.commit()
cur.execute("SELECT sym, px, sum(px) OVER () FROM fills ORDER BY sym")
assert cur.fetchall() == [("a", decimal.Decimal("2.68"), decimal.Decimal("9.68")),
                          ("b", decimal.Decimal("7.00"), decimal.Decimal("9.68"))], "numeric(10,2) values"
assert [d.type_code for d in cur.description] == [25, 1700, 1700], cur.description
assert (cur.description[1].precision, cur.description[1].scale) == (10, 2), cur.description
try:
    cur.execute("INSERT INTO fills VALUES (now(), 'c', %s)", (decimal.Decimal("123456789"),))
    raise AssertionError("expected an error")
except psycopg2.errors.NumericValueOutOfRange as e:
    assert e.pgerror.startswith("ERROR:  numeric field overflow"), e.pgerror
    assert "less than 10^8" in e.diag.message_detail, e.diag.message_detail
conn.rollback()

# A row whose primary key is stored: UniqueViolation, with the error fields
# psycopg2 reads into diag; DETAIL writes the time in the session's zone
# (Asia/Tokyo, set above).
try:
    cur.execute("INSERT INTO fills VALUES ('2024-01-01 00:00:00+00', 'a', 1)")
    raise AssertionError("expected an error")
except psycopg2.errors.UniqueViolation as e:
    assert e.diag.message_primary == 'duplicate key value violates unique constraint "fills_pkey"', e.diag.message_primary
    assert e.diag.message_detail == 'Key ("time", sym)=(2024-01-01 09:00:00+09, a) already exists.', e.diag.message_detail
    assert (e.diag.schema_name, e.diag.table_name, e.diag.constraint_name) == ("public", "fills", "fills_pkey"), e.diag
conn.rollback()

conn.close()
print("ok")


import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;

// JdbcCheck drives a Strata PostgreSQL endpoint through pgjdbc and prints
// what it read, one fact per line, for pgwire's TestPgJDBC to compare with
// expected.txt. Usage: java JdbcCheck jdbc:postgresql://host:port/db
// [numerics] (numerics alone: its part of expected.txt, which needs no
// rows, from PostgreSQL).
public class JdbcCheck {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "strata");
        props.setProperty("sslmode", "disable");
        boolean all = args.length < 2;
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            if (all) {
                metadata(conn.getMetaData());
                prepared(conn);
                fetchSize(conn);
                arrays(conn);
                copyIn(conn);
            }
            numerics(conn);
        }
        System.out.println("ok");
    }

    // numerics writes and reads a column declared numeric(10,2) with
    // BigDecimals, past prepareThreshold (binary numerics both ways), and
    // prints what the result's and the catalog's metadata say of it.
    static void numerics(Connection conn) throws Exception {
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE fills (time timestamptz NOT NULL, sym text, px numeric(10,2), qty numeric)");
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO fills VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < 7; i++) {
                ps.setTimestamp(1, Timestamp.from(java.time.Instant.ofEpochSecond(1700000000 + i)));
                ps.setString(2, "s" + i);
                ps.setBigDecimal(3, new BigDecimal("2.675").add(BigDecimal.valueOf(i)));
                ps.setBigDecimal(4, new BigDecimal("0.125").multiply(BigDecimal.valueOf(i)));
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT sym, px, qty, px * qty AS v FROM fills WHERE px > ? ORDER BY time")) {
            for (int run = 1; run <= 6; run++) {
                ps.setBigDecimal(1, new BigDecimal("5.5"));
                StringBuilder sb = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData m = rs.getMetaData();
                    if (run == 1) {
                        for (int i = 2; i <= m.getColumnCount(); i++) {
                            System.out.println("numeric column " + m.getColumnName(i) + " " + m.getColumnTypeName(i)
                                + " type=" + m.getColumnType(i) + " precision=" + m.getPrecision(i) + " scale=" + m.getScale(i));
                        }
                    }
                    while (rs.next()) {
                        sb.append(' ').append(rs.getString(1)).append('|').append(rs.getBigDecimal(2).toPlainString())
                            .append('|').append(rs.getBigDecimal(3).stripTrailingZeros().toPlainString())
                            .append('|').append(rs.getBigDecimal(4).setScale(5).toPlainString());
                    }
                }
                System.out.println("numeric run " + run + sb);
            }
        }
        try (ResultSet rs = conn.getMetaData().getColumns(null, "public", "fills", "px")) {
            while (rs.next()) {
                System.out.println("numeric catalog " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME")
                    + " type=" + rs.getInt("DATA_TYPE") + " size=" + rs.getInt("COLUMN_SIZE") + " digits=" + rs.getInt("DECIMAL_DIGITS"));
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO fills VALUES (now(), 'x', ?, 1)")) {
            ps.setBigDecimal(1, new BigDecimal("123456789"));
            ps.executeUpdate();
            System.out.println("numeric overflow: no error");
        } catch (SQLException e) {
            System.out.println("numeric overflow " + e.getSQLState());
        }
        keys(conn);
    }

    // keys declares a table's primary key and a unique constraint and
    // prints what DatabaseMetaData says of them (getPrimaryKeys,
    // getIndexInfo).
    static void keys(Connection conn) throws Exception {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE keyed (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))");
            st.execute("CREATE TABLE uniq (time timestamptz NOT NULL, dev text, CONSTRAINT uniq_dev UNIQUE (dev, time))");
        }
        DatabaseMetaData md = conn.getMetaData();
        for (String table : new String[] {"keyed", "uniq"}) {
            try (ResultSet rs = md.getPrimaryKeys(null, "public", table)) {
                while (rs.next()) {
                    System.out.println("key " + rs.getString("TABLE_NAME") + " primary " + rs.getString("COLUMN_NAME")
                        + " seq=" + rs.getInt("KEY_SEQ") + " name=" + rs.getString("PK_NAME"));
                }
            }
            try (ResultSet rs = md.getIndexInfo(null, "public", table, false, false)) {
                while (rs.next()) {
                    System.out.println("key " + rs.getString("TABLE_NAME") + " index " + rs.getString("INDEX_NAME")
                        + " column=" + rs.getString("COLUMN_NAME") + " pos=" + rs.getInt("ORDINAL_POSITION")
                        + " non_unique=" + rs.getBoolean("NON_UNIQUE"));
                }
            }
        }
    }

    static void metadata(DatabaseMetaData md) throws Exception {
        System.out.println("product " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());
        try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"})) {
            while (rs.next()) {
                System.out.println("table " + rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_SCHEM") + "."
                        + rs.getString("TABLE_NAME") + " " + rs.getString("TABLE_TYPE"));
            }
        }
        try (ResultSet rs = md.getColumns(null, "public", "cpu", "%")) {
            while (rs.next()) {
                System.out.println("column " + rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME")
                        + " pos=" + rs.getInt("ORDINAL_POSITION") + " type=" + rs.getInt("DATA_TYPE")
                        + " " + rs.getString("TYPE_NAME") + " nullable=" + rs.getString("IS_NULLABLE"));
            }
        }
        try (ResultSet rs = md.getSchemas()) {
            while (rs.next()) {
                System.out.println("schema " + rs.getString("TABLE_SCHEM") + " catalog=" + rs.getString("TABLE_CATALOG"));
            }
        }
        try (ResultSet rs = md.getPrimaryKeys(null, "public", "cpu")) {
            int n = 0;
            while (rs.next()) {
                System.out.println("primary key " + rs.getString("COLUMN_NAME") + " seq=" + rs.getInt("KEY_SEQ"));
                n++;
            }
            System.out.println("primary key columns " + n);
        }
        try (ResultSet rs = md.getTypeInfo()) {
            int n = 0;
            while (rs.next()) {
                n++;
                String name = rs.getString("TYPE_NAME");
                switch (name) {
                    case "bool": case "int8": case "float8": case "text": case "timestamptz":
                        System.out.println("type " + name + " sqltype=" + rs.getInt("DATA_TYPE")
                                + " precision=" + rs.getInt("PRECISION") + " nullable=" + rs.getShort("NULLABLE")
                                + " searchable=" + rs.getShort("SEARCHABLE"));
                }
            }
            System.out.println("types over 50: " + (n > 50));
        }
    }

    // prepared runs one PreparedStatement past prepareThreshold (5): from
    // then on pgjdbc uses a named server statement and binary results.
    static void prepared(Connection conn) throws Exception {
        String q = "SELECT host, usage, n, ok, time FROM cpu WHERE (host = ? OR n IS NULL) AND time >= ? AND usage > ? ORDER BY time";
        try (PreparedStatement ps = conn.prepareStatement(q)) {
            for (int run = 1; run <= 8; run++) {
                ps.setString(1, "a");
                ps.setTimestamp(2, Timestamp.from(java.time.Instant.parse("2023-11-14T22:13:20Z")));
                ps.setDouble(3, 1.0);
                StringBuilder sb = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData m = rs.getMetaData();
                    if (run == 1) {
                        for (int i = 1; i <= m.getColumnCount(); i++) {
                            System.out.println("result column " + m.getColumnName(i) + " " + m.getColumnTypeName(i)
                                + " table=" + m.getTableName(i) + " nullable=" + m.isNullable(i));
                        }
                    }
                    while (rs.next()) {
                        long n = rs.getLong("n");
                        String ns = rs.wasNull() ? "null" : Long.toString(n);
                        sb.append(" ").append(rs.getString("host")).append("|").append(rs.getDouble("usage"))
                                .append("|").append(ns).append("|")
                                .append(rs.getBoolean("ok")).append("|")
                                .append(rs.getTimestamp("time").toInstant());
                    }
                }
                boolean server = ps.unwrap(PGStatement.class).isUseServerPrepare();
                System.out.println("run " + run + " server=" + server + sb);
            }
        }
    }

    // fetchSize reads a result larger than the fetch size with autocommit
    // off, so pgjdbc executes a portal with a row limit and resumes it after
    // each PortalSuspended.
    static void fetchSize(Connection conn) throws Exception {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(7);
            long rows = 0, sum = 0, first = -1, last = -1;
            try (ResultSet rs = st.executeQuery("SELECT i, time FROM seq ORDER BY time")) {
                while (rs.next()) {
                    long i = rs.getLong(1);
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                    sum += i;
                    rows++;
                }
            }
            System.out.println("fetched rows=" + rows + " sum=" + sum + " first=" + first + " last=" + last);
        }
        conn.commit();
        conn.setAutoCommit(true);
    }

    // arrays binds arrays as parameters, = ANY(?) and <> ALL(?), with
    // Connection.createArrayOf and with setObject of a Java array, past
    // prepareThreshold, and reads an array result back.
    static void arrays(Connection conn) throws Exception {
        String q = "SELECT host, usage FROM cpu WHERE host = ANY(?) AND usage <> ALL(?) AND n = ANY(?) ORDER BY time";
        try (PreparedStatement ps = conn.prepareStatement(q)) {
            for (int run = 1; run <= 6; run++) {
                ps.setArray(1, conn.createArrayOf("text", new String[] {"a", "x,\"y\"", null}));
                ps.setObject(2, new double[] {1.5});
                ps.setObject(3, new long[] {1, 3});
                StringBuilder sb = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sb.append(' ').append(rs.getString(1)).append('|').append(rs.getDouble(2));
                    }
                }
                System.out.println("any run " + run + sb);
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT ?::text[] AS arr")) {
            ps.setArray(1, conn.createArrayOf("text", new String[] {"a b", "c\"d\\e", null}));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array arr = rs.getArray(1);
                Object[] elems = (Object[]) arr.getArray();
                StringBuilder sb = new StringBuilder();
                for (Object e : elems) {
                    sb.append(" [").append(e).append(']');
                }
                System.out.println("array " + arr.getBaseTypeName() + sb);
            }
        }
    }

    // copyIn loads rows with pgjdbc's CopyManager (COPY ... FROM STDIN), as
    // JDBC loaders do, and reads them back.
    static void copyIn(Connection conn) throws Exception {
        conn.setAutoCommit(true);
        CopyManager cm = conn.unwrap(PGConnection.class).getCopyAPI();
        long n = cm.copyIn("COPY cpu (time, host, usage, n) FROM STDIN WITH (FORMAT csv)",
            new StringReader("2040-01-01 00:00:00+00,jdbc,1.25,7\n2040-01-01 00:00:01+00,\"j,dbc\",,\n"));
        System.out.println("copy in " + n);
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT host, usage, n FROM cpu WHERE time >= '2040-01-01' ORDER BY time")) {
            while (rs.next()) {
                System.out.println("copied " + rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        try {
            cm.copyIn("COPY cpu (time, host, usage) FROM STDIN", new StringReader("2040-01-02 00:00:00+00\tjdbc\tx\n"));
            System.out.println("copy in: no error");
        } catch (SQLException e) {
            System.out.println("copy error " + e.getSQLState());
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM cpu WHERE time >= '2040-01-01'")) {
            rs.next();
            System.out.println("copied rows " + rs.getLong(1));
        }
    }
}

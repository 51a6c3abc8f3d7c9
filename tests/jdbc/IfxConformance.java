// IBM's Informix JDBC driver against informix-testserver: prepared statements with
// parameters of each type, batches, transactions, scrolling result sets, error cases.
// Prints one line per check; exits 1 if any check failed.
import java.math.BigDecimal;
import java.sql.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import com.informix.jdbc.IfmxPreparedStatement;
import com.informix.jdbc.IfmxResultSet;
import com.informix.jdbc.IfmxStatement;
import com.informix.lang.IntervalDF;
import com.informix.lang.IntervalYM;

public class IfxConformance {
    static int failures = 0;

    static void check(String name, boolean ok, Object detail) {
        System.out.println((ok ? "ok   " : "FAIL ") + name + (ok ? "" : " -> " + detail));
        if (!ok) failures++;
    }

    interface Body { void run() throws Exception; }

    static void step(String name, Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            check(name, false, t);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:informix-sqli://127.0.0.1:" + args[0] + "/testdb:INFORMIXSERVER=informix;"
                + "user=informix;password=in4mix";
        try (Connection c = DriverManager.getConnection(url)) {
            check("connect", true, null);
            step("select one", () -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT 1 FROM systables WHERE tabid = 1")) {
                    check("select one", rs.next() && rs.getInt(1) == 1 && !rs.next(), "row");
                }
            });
            step("ddl", () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS jdbc_types");
                    s.execute("CREATE TABLE jdbc_types (id SERIAL, i INT, si SMALLINT, bi BIGINT, "
                            + "f FLOAT, sf SMALLFLOAT, d DECIMAL(16,4), m MONEY(12,2), c CHAR(10), "
                            + "vc VARCHAR(40), lv LVARCHAR(200), dt DATE, ts DATETIME YEAR TO SECOND, "
                            + "b BOOLEAN)");
                    check("ddl", true, null);
                }
            });
            step("typed parameters", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types "
                        + "(i, si, bi, f, sf, d, m, c, vc, lv, dt, ts, b) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    p.setInt(1, 42);
                    p.setShort(2, (short) -7);
                    p.setLong(3, 9000000000L);
                    p.setDouble(4, 2.5);
                    p.setFloat(5, 1.25f);
                    p.setBigDecimal(6, new BigDecimal("1234.5678"));
                    p.setBigDecimal(7, new BigDecimal("99.95"));
                    p.setString(8, "abc");
                    p.setString(9, "varchar value");
                    p.setString(10, "lvarchar value");
                    p.setDate(11, Date.valueOf("2024-01-02"));
                    p.setTimestamp(12, Timestamp.valueOf("2024-01-02 03:04:05"));
                    p.setBoolean(13, true);
                    check("typed parameters", p.executeUpdate() == 1, "update count");
                }
                try (PreparedStatement q = c.prepareStatement(
                        "SELECT i, si, bi, f, sf, d, m, c, vc, lv, dt, ts, b FROM jdbc_types WHERE i = ?")) {
                    q.setInt(1, 42);
                    try (ResultSet rs = q.executeQuery()) {
                        boolean ok = rs.next()
                                && rs.getInt(1) == 42 && rs.getShort(2) == -7 && rs.getLong(3) == 9000000000L
                                && rs.getDouble(4) == 2.5 && rs.getFloat(5) == 1.25f
                                && rs.getBigDecimal(6).compareTo(new BigDecimal("1234.5678")) == 0
                                && rs.getBigDecimal(7).compareTo(new BigDecimal("99.95")) == 0
                                && rs.getString(8).equals("abc       ")
                                && rs.getString(9).equals("varchar value")
                                && rs.getString(10).equals("lvarchar value")
                                && rs.getDate(11).toString().equals("2024-01-02")
                                && rs.getTimestamp(12).equals(Timestamp.valueOf("2024-01-02 03:04:05"))
                                && rs.getBoolean(13);
                        check("typed round trip", ok, ok ? null : describe(rs));
                    }
                }
            });
            step("nulls", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types (i, d, vc, dt) VALUES (?,?,?,?)")) {
                    p.setInt(1, 43);
                    p.setNull(2, Types.DECIMAL);
                    p.setNull(3, Types.VARCHAR);
                    p.setNull(4, Types.DATE);
                    p.executeUpdate();
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT d, vc, dt FROM jdbc_types WHERE i = 43")) {
                    boolean ok = rs.next() && rs.getBigDecimal(1) == null && rs.getString(2) == null
                            && rs.getDate(3) == null;
                    check("nulls", ok, "values");
                }
            });
            step("batch", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types (i, vc) VALUES (?, ?)")) {
                    for (int k = 0; k < 100; k++) {
                        p.setInt(1, 1000 + k);
                        p.setString(2, "batch " + k);
                        p.addBatch();
                    }
                    int[] counts = p.executeBatch();
                    check("batch", counts.length == 100, counts.length);
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jdbc_types WHERE i BETWEEN 1000 AND 1099")) {
                    check("batch count", rs.next() && rs.getInt(1) == 100, "count");
                }
            });
            step("transactions", () -> {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO jdbc_types (i) VALUES (5000)");
                    c.rollback();
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jdbc_types WHERE i = 5000")) {
                        check("rollback", rs.next() && rs.getInt(1) == 0, "count");
                    }
                    s.executeUpdate("INSERT INTO jdbc_types (i) VALUES (5001)");
                    c.commit();
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jdbc_types WHERE i = 5001")) {
                        check("commit", rs.next() && rs.getInt(1) == 1, "count");
                    }
                } finally {
                    c.setAutoCommit(true);
                }
            });
            step("scrolling", () -> {
                try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
                     ResultSet rs = s.executeQuery("SELECT i FROM jdbc_types WHERE i BETWEEN 1000 AND 1099 ORDER BY i")) {
                    boolean ok = rs.last() && rs.getInt(1) == 1099 && rs.absolute(3) && rs.getInt(1) == 1002
                            && rs.previous() && rs.getInt(1) == 1001 && rs.first() && rs.getInt(1) == 1000;
                    check("scrolling", ok, "positions");
                }
            });

            step("more types", () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS jdbc_more");
                    s.execute("CREATE TABLE jdbc_more (k INT, i8 INT8, nc NCHAR(6), nv NVARCHAR(20), "
                            + "ids INTERVAL DAY(3) TO SECOND, iym INTERVAL YEAR(4) TO MONTH, "
                            + "hm DATETIME HOUR TO MINUTE, tx TEXT, by BYTE, b BOOLEAN, "
                            + "dn DECIMAL(10,3), df DECIMAL(16), sr SERIAL8)");
                }
                byte[] blob = new byte[3000];
                for (int k = 0; k < blob.length; k++) blob[k] = (byte) (k * 7);
                StringBuilder text = new StringBuilder();
                for (int k = 0; k < 400; k++) text.append("line ").append(k).append('\n');
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_more "
                        + "(k, i8, nc, nv, ids, iym, hm, tx, by, b, dn, df) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    p.setInt(1, 1);
                    p.setLong(2, -123456789012L);
                    p.setString(3, "nch");
                    p.setString(4, "nvc");
                    ((IfmxPreparedStatement) p).setIntervalDF(5, new IntervalDF(93784, 0));
                    ((IfmxPreparedStatement) p).setIntervalYM(6, new IntervalYM(2, 3));
                    p.setTime(7, Time.valueOf("03:04:00"));
                    p.setString(8, text.toString());
                    p.setBytes(9, blob);
                    p.setBoolean(10, false);
                    p.setBigDecimal(11, new BigDecimal("-12.345"));
                    p.setBigDecimal(12, new BigDecimal("0"));
                    check("more types insert", p.executeUpdate() == 1, "update count");
                    long serial8 = ((IfmxStatement) p).getSerial8();
                    check("serial8 reported", serial8 == 1, serial8);
                    p.setInt(1, 2);
                    int[] types = {Types.BIGINT, Types.NCHAR, Types.NVARCHAR, Types.OTHER, Types.OTHER,
                            Types.TIME, Types.LONGVARCHAR, Types.LONGVARBINARY, Types.BOOLEAN, Types.DECIMAL,
                            Types.DECIMAL};
                    for (int k = 0; k < types.length; k++) p.setNull(k + 2, types[k]);
                    check("nulls of each type", p.executeUpdate() == 1, "update count");
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT k, i8, nc, nv, ids, iym, hm, tx, by, b, dn, df, sr "
                             + "FROM jdbc_more ORDER BY k")) {
                    boolean ok = rs.next()
                            && rs.getLong(2) == -123456789012L
                            && rs.getString(3).equals("nch   ")
                            && rs.getString(4).equals("nvc")
                            && ((IfmxResultSet) rs).getIntervalDF(5).toString().trim().equals("1 02:03:04")
                            && ((IfmxResultSet) rs).getIntervalYM(6).toString().trim().equals("2-03")
                            && rs.getString(7).equals("03:04")
                            && rs.getString(8).equals(text.toString())
                            && Arrays.equals(rs.getBytes(9), blob)
                            && !rs.getBoolean(10) && !rs.wasNull()
                            && rs.getBigDecimal(11).compareTo(new BigDecimal("-12.345")) == 0
                            && rs.getBigDecimal(12).signum() == 0
                            && rs.getLong(13) == 1;
                    check("more types round trip", ok, ok ? null : describe(rs));
                    boolean nulls = rs.next() && rs.getInt(1) == 2;
                    for (int k = 2; nulls && k <= 12; k++) {
                        nulls = rs.getObject(k) == null && rs.wasNull();
                        if (!nulls) check("null column " + k, false, rs.getObject(k));
                    }
                    check("nulls round trip", nulls && rs.getLong(13) == 2 && !rs.next(), "values");
                    ResultSetMetaData md = rs.getMetaData();
                    check("metadata", md.getColumnCount() == 13 && md.getColumnName(2).equals("i8")
                            && md.getColumnType(10) == Types.BOOLEAN && md.getColumnType(8) == Types.LONGVARCHAR
                            && md.getColumnType(9) == Types.LONGVARBINARY && md.getScale(11) == 3
                            && md.getPrecision(11) == 10, md.getColumnTypeName(10) + " " + md.getColumnType(10));
                }
            });
            step("fetch in batches", () -> {
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(7);
                    try (ResultSet rs = s.executeQuery(
                            "SELECT i, vc FROM jdbc_types WHERE i BETWEEN 1000 AND 1099 ORDER BY i")) {
                        int n = 0;
                        boolean ok = true;
                        while (rs.next()) {
                            ok &= rs.getInt(1) == 1000 + n && rs.getString(2).equals("batch " + n);
                            n++;
                        }
                        check("fetch in batches", ok && n == 100, n);
                    }
                }
            });
            step("statement batch", () -> {
                try (Statement s = c.createStatement()) {
                    s.addBatch("INSERT INTO jdbc_types (i) VALUES (7000)");
                    s.addBatch("INSERT INTO jdbc_types (i) VALUES (7001)");
                    s.addBatch("UPDATE jdbc_types SET vc = 'u' WHERE i >= 7000");
                    int[] counts = s.executeBatch();
                    check("statement batch", Arrays.equals(counts, new int[] {1, 1, 2}), Arrays.toString(counts));
                }
            });
            step("savepoints", () -> {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO jdbc_types (i) VALUES (6000)");
                    Savepoint sp = c.setSavepoint("sp1");
                    s.executeUpdate("INSERT INTO jdbc_types (i) VALUES (6001)");
                    c.rollback(sp);
                    c.releaseSavepoint(sp);
                    c.commit();
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jdbc_types WHERE i IN (6000, 6001)")) {
                        check("savepoints", rs.next() && rs.getInt(1) == 1, "count");
                    }
                } finally {
                    c.setAutoCommit(true);
                }
            });
            step("generated keys", () -> {
                check("isValid", c.isValid(5), "false");
                long[] keys = new long[2];
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types (i) VALUES (?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    p.setInt(1, 9000);
                    p.executeUpdate();
                    try (ResultSet rs = p.getGeneratedKeys()) {
                        keys[0] = rs.next() ? rs.getLong(1) : -1;
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types (i) VALUES (?)",
                        new String[] {"id"})) {
                    p.setInt(1, 9001);
                    p.executeUpdate();
                    try (ResultSet rs = p.getGeneratedKeys()) {
                        keys[1] = rs.next() ? rs.getLong("id") : -1;
                    }
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT id FROM jdbc_types WHERE i IN (9000, 9001) ORDER BY i")) {
                    boolean ok = rs.next() && rs.getLong(1) == keys[0] && rs.next() && rs.getLong(1) == keys[1]
                            && keys[1] == keys[0] + 1;
                    check("generated keys", ok, Arrays.toString(keys));
                }
            });
            step("scroll moves", () -> {
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT i FROM jdbc_types WHERE i BETWEEN ? AND ? ORDER BY i",
                        ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
                    p.setInt(1, 1000);
                    p.setInt(2, 1099);
                    try (ResultSet rs = p.executeQuery()) {
                        boolean ok = rs.absolute(-1) && rs.getInt(1) == 1099
                                && rs.relative(-9) && rs.getInt(1) == 1090
                                && rs.absolute(50) && rs.getInt(1) == 1049
                                && rs.next() && rs.getInt(1) == 1050
                                && !rs.absolute(101) && rs.isAfterLast()
                                && rs.previous() && rs.getInt(1) == 1099
                                && rs.first() && rs.getInt(1) == 1000 && !rs.previous() && rs.isBeforeFirst();
                        check("scroll moves", ok, "positions");
                    }
                }
            });
            step("errors", () -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM no_such_table");
                    check("error -206", false, "no exception");
                } catch (SQLException e) {
                    check("error -206", e.getErrorCode() == -206, e.getErrorCode() + " " + e.getMessage());
                }
                try (Statement s = c.createStatement()) {
                    s.execute("SELEC 1");
                    check("error -201", false, "no exception");
                } catch (SQLException e) {
                    check("error -201", e.getErrorCode() == -201, e.getErrorCode() + " " + e.getMessage());
                }
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE UNIQUE INDEX jdbc_ix ON jdbc_types (i)");
                    s.execute("INSERT INTO jdbc_types (i) VALUES (42)");
                    check("duplicate", false, "no exception");
                } catch (SQLException e) {
                    check("duplicate", e.getErrorCode() == -239 || e.getErrorCode() == -268,
                            e.getErrorCode() + " " + e.getMessage());
                }
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT no_such_column FROM jdbc_types");
                    check("error -217", false, "no exception");
                } catch (SQLException e) {
                    check("error -217", e.getErrorCode() == -217, e.getErrorCode() + " " + e.getMessage());
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_types (i) VALUES (?)")) {
                    for (int v : new int[] {8000, 8001, 42, 8002}) {
                        p.setInt(1, v);
                        p.addBatch();
                    }
                    p.executeBatch();
                    check("batch error", false, "no exception");
                } catch (BatchUpdateException e) {
                    check("batch error", e.getErrorCode() == -239 || e.getErrorCode() == -268,
                            e.getErrorCode() + " " + Arrays.toString(e.getUpdateCounts()));
                }
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1 FROM systables WHERE tabid = 1").close();
                    check("usable after errors", true, null);
                }
            });
        }
        step("bad password", () -> {
            try (Connection bad = DriverManager.getConnection(url.replace("in4mix", "nope"))) {
                check("bad password", false, "connected");
            } catch (SQLException e) {
                check("bad password", e.getErrorCode() == -951, e.getErrorCode() + " " + e.getMessage());
            }
        });
        System.out.println(failures == 0 ? "ALL OK" : failures + " FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    static String describe(ResultSet rs) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (int k = 1; k <= rs.getMetaData().getColumnCount(); k++) parts.add(String.valueOf(rs.getObject(k)));
        return String.join(", ", parts);
    }
}

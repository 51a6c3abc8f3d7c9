// IBM's Informix JDBC driver against informix-testserver: prepared statements with
// parameters of each type, batches, transactions, scrolling result sets, error cases.
// Prints one line per check; exits 1 if any check failed.
import java.math.BigDecimal;
import java.sql.*;
import java.util.ArrayList;
import java.util.List;

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
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jdbc_types WHERE i >= 1000")) {
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
                     ResultSet rs = s.executeQuery("SELECT i FROM jdbc_types WHERE i >= 1000 ORDER BY i")) {
                    boolean ok = rs.last() && rs.getInt(1) == 1099 && rs.absolute(3) && rs.getInt(1) == 1002
                            && rs.previous() && rs.getInt(1) == 1001 && rs.first() && rs.getInt(1) == 1000;
                    check("scrolling", ok, "positions");
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

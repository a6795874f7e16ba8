package io.meridian.hub.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.meridian.hub.config.HubConfig.DatabaseConfig;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The hub's database: a pooled JDBC data source migrated by Flyway on open. The same migrations
 * run on the embedded H2 file database and on PostgreSQL, so SQL here sticks to what both speak.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final String product;

    private Database(HikariDataSource dataSource, String product) {
        this.dataSource = dataSource;
        this.product = product;
    }

    public static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(16);
        hikari.setPoolName("meridian-db");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("cannot open the database at " + config.url() + ": " + root.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            try (Connection c = dataSource.getConnection()) {
                return new Database(dataSource, c.getMetaData().getDatabaseProductName());
            }
        } catch (RuntimeException | SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot open the database at " + config.url() + ": " + e.getMessage(), e);
        }
    }

    /** Work inside one transaction; committed when {@code work} returns, rolled back when it throws. */
    public <T> T tx(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    public void run(SqlAction action) {
        tx(c -> {
            action.run(c);
            return null;
        });
    }

    public boolean healthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public String product() {
        return product;
    }

    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    public interface SqlAction {
        void run(Connection connection) throws SQLException;
    }

    /** A database failure; the message goes to the log, the caller gets a 500. */
    public static final class DatabaseException extends RuntimeException {
        public DatabaseException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}

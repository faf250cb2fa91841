package blastradius;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Runs the Neo4j Community database in-process with its Bolt connector on
 * 127.0.0.1, for blastradius development and integration tests.
 *
 * <p>Usage: {@code java -cp 'lib/*:neo4j-launcher.jar' blastradius.Neo4jLauncher
 * HOME_DIR PORT PORT_FILE [CONF_FILE]}. HOME_DIR holds the databases and
 * Neo4j's logs; PORT 0 picks a free port. CONF_FILE holds Neo4j settings in
 * neo4j.conf form (memory, transaction logs; see neo4j.conf beside the
 * pom.xml); the environment variable NEO4J_PAGECACHE (e.g. "1g") overrides
 * its page cache size. The connector, address and authentication are set
 * here. The password of user neo4j is set from the environment variable
 * NEO4J_PASSWORD (default "blastradius-test") on every start. Once Bolt listens and a query has run, PORT_FILE is written (the
 * port on one line, through a rename) and the Bolt URI is printed.
 * The process runs until it receives SIGTERM or SIGINT, then shuts Neo4j
 * down cleanly.
 */
public final class Neo4jLauncher {
    private static final String DEFAULT_PASSWORD = "blastradius-test";

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // Neo4j's own threads would keep the JVM alive: exit, which runs
            // the shutdown hook.
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: Neo4jLauncher HOME_DIR PORT PORT_FILE [CONF_FILE]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path portFile = Path.of(args[2]).toAbsolutePath();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            password = DEFAULT_PASSWORD;
        }
        if (port == 0) {
            port = freePort();
        }

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (args.length == 4) {
            builder.loadPropertiesFromFile(Path.of(args[3]).toAbsolutePath());
        }
        String pagecache = System.getenv("NEO4J_PAGECACHE");
        if (pagecache != null && !pagecache.isEmpty()) {
            builder.setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache));
        }
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Stop in about a second instead of ten (idle Bolt threads).
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        // The initial password of neo4j is "neo4j" and must be changed;
        // setting it on every start also follows a changed NEO4J_PASSWORD.
        setPassword(dbms, password);
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

        writePort(portFile, port);
        System.out.println("bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * Sets the password of neo4j. Neo4j refuses to set the password it
     * already has; that refusal means the password is already right.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    /** Returns a port that was free a moment ago on 127.0.0.1. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Writes the port to file through a temporary file and a rename. */
    private static void writePort(Path file, int port) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, port + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package kz.kazru.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs ONE OpenSearch node inside this JVM, with its plugins taken from the classpath.
 *
 * <p>Why not the distribution's bootstrap: only Maven Central is reachable, and it publishes the
 * server and module jars but no runnable distribution. {@code org.opensearch.bootstrap.OpenSearch}
 * insists on a security manager policy, a modules/ tree and bootstrap checks; an embedded
 * {@link Node} needs none of these, which is how OpenSearch's own test framework runs nodes.
 *
 * <p>Usage: {@code NodeMain -Ekey=value ...} (also {@code key=value}). {@code path.home} is required.
 * Defaults: network.host=127.0.0.1, disk-threshold allocation off (a nearly full dev disk must
 * not turn the cluster yellow). Exit status: 143 after a clean shutdown on SIGTERM (the JVM's
 * usual 128+15), 0 when the owner process (-Dkazru.owner.pid) went away, 1 if the node failed to
 * start, 2 on bad arguments.
 */
public final class NodeMain {

    /** Plugins the node loads from the classpath (there is no plugins/ directory to scan). */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    /** How long the shutdown hook waits for the node's thread pools and shards to close. */
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    /** How often the owner watch (see {@link #watchOwner}) looks for the owner process. */
    private static final long OWNER_POLL_MILLIS = 2000;

    private NodeMain() {}

    /** A Node subclass only to reach the protected constructor that takes classpath plugins. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        // Log4j's own hook would stop logging before the node has said how it shut down.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");

        Settings settings;
        try {
            settings = parseSettings(args);
        } catch (IllegalArgumentException e) {
            System.err.println("NodeMain: " + e.getMessage());
            System.err.println("usage: NodeMain -Epath.home=DIR [-Ekey=value ...]");
            System.exit(2);
            return;
        }
        Path home = Paths.get(settings.get("path.home")).toAbsolutePath();
        Path config = prepareHome(home);
        String nodeName = settings.get("node.name", "node");
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> nodeName);

        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(env);
        Logger log = LogManager.getLogger(NodeMain.class);

        CountDownLatch closed = new CountDownLatch(1);
        Node node;
        try {
            node = new EmbeddedNode(env, PLUGINS);
        } catch (Exception e) {
            fail(log, "could not create the node", e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeNode(node, log, closed), "kazru-node-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            fail(log, "could not start the node", e);
            return;
        }
        log.info("kazru launcher: node [{}] started with classpath plugins {}", nodeName, PLUGINS);
        watchOwner(log);
        // Keep main alive (several node threads are daemons) until the shutdown hook has closed the node.
        closed.await();
    }

    /**
     * With {@code -Dkazru.owner.pid=N}, exits (cleanly, through the shutdown hook) once process N is
     * gone. Test sessions pass their own pid, so a pytest killed with SIGKILL leaves no orphan nodes.
     */
    static void watchOwner(Logger log) {
        String owner = System.getProperty("kazru.owner.pid");
        if (owner == null || owner.isEmpty()) {
            return;
        }
        long pid = Long.parseLong(owner);
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(OWNER_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.warn("kazru launcher: owner process {} is gone, shutting down", pid);
            System.exit(0);
        }, "kazru-owner-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Settings from {@code -Ekey=value} / {@code key=value} arguments, on top of loopback defaults. */
    static Settings parseSettings(String[] args) {
        Settings.Builder builder = Settings.builder()
            .put("network.host", "127.0.0.1")
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-E") && i + 1 < args.length) {
                arg = args[++i];
            } else if (arg.startsWith("-E")) {
                arg = arg.substring(2);
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected -Ekey=value, got [" + args[i] + "]");
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        if (settings.get("path.home") == null) {
            throw new IllegalArgumentException("path.home is required");
        }
        return settings;
    }

    /**
     * Creates home/config (with our log4j2.properties, rewritten each start so a launcher update
     * takes effect) and the empty modules/ and plugins/ directories the plugin service scans.
     */
    static Path prepareHome(Path home) throws IOException {
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("modules"));
        Files.createDirectories(home.resolve("plugins"));
        try (InputStream in = NodeMain.class.getResourceAsStream("/kazru-node-log4j2.properties")) {
            if (in == null) {
                throw new IOException("kazru-node-log4j2.properties missing from the classpath");
            }
            Files.copy(in, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path yml = config.resolve("opensearch.yml");
        if (Files.notExists(yml)) {
            Files.writeString(yml, "# settings come from the launcher's -E arguments\n");
        }
        return config;
    }

    /** Runs on SIGTERM/SIGINT: close the node (flushes shards, leaves the cluster), then logging. */
    private static void closeNode(Node node, Logger log, CountDownLatch closed) {
        try {
            log.info("kazru launcher: stopping node");
            node.close();
            if (!node.awaitClose(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("kazru launcher: node did not close within {}s", CLOSE_TIMEOUT_SECONDS);
            }
            log.info("kazru launcher: node stopped");
        } catch (IOException | InterruptedException | RuntimeException e) {
            log.error("kazru launcher: error while stopping the node", e);
        } finally {
            closed.countDown();
            Configurator.shutdown((LoggerContext) LogManager.getContext(false));
        }
    }

    /** Startup failure: into the log file and, short, onto stderr (the console log the caller tails). */
    private static void fail(Logger log, String what, Exception e) {
        log.error("kazru launcher: " + what, e);
        PrintStream err = System.err;
        err.println("NodeMain: " + what + ": " + e);
        Configurator.shutdown((LoggerContext) LogManager.getContext(false));
        System.exit(1);
    }
}

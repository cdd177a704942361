package org.vectorscoring.realnode;

import com.sun.security.auth.module.UnixSystem;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;

/**
 * One node of the real OpenSearch distribution (the {@code integ-test-zip} Maven puts under {@code target/}) with the
 * freshly built plugin zip installed by {@code bin/opensearch-plugin}, on the loopback interface, run by the JDK that
 * runs the tests. As root it runs as an unprivileged system user (OpenSearch refuses root). Every process it starts
 * is stopped by its PID, in {@link #stop()}, {@link #kill()}, {@link #close()} or a JVM shutdown hook; nothing is ever
 * killed by name.
 *
 * <p>The node runs in the foreground as a child of this JVM ({@code runuser -u <user> -- bin/opensearch -p <pidfile>})
 * rather than with {@code -d}: a daemonized node would be handed to init, while a child can be waited for, its
 * early death seen at once, and everything it forked found through {@link ProcessHandle#descendants()}.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
public final class RealOpenSearch implements Closeable {

  /** System properties the pom passes to Failsafe. */
  static final String DISTRIBUTION_PROPERTY = "realnode.distribution";
  static final String PLUGIN_PROPERTY = "realnode.plugin";
  static final String WORK_DIR_PROPERTY = "realnode.workdir";
  /** The user to create and run as when the tests run as root. */
  static final String USER_PROPERTY = "realnode.user";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("realnode.start.timeout", 300));
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);
  private static final String HEAP = "512m";

  private final String name;
  private final Path dir;
  private final Path home;
  private final Path consoleLog;
  private final String user;

  private Process runner;
  private Thread shutdownHook;
  private RestClient client;
  private int httpPort;

  private RealOpenSearch(String name, Path dir, Path home, String user) {
    this.name = name;
    this.dir = dir;
    this.home = home;
    this.consoleLog = dir.resolve("console.log");
    this.user = user;
  }

  /**
   * Prepares a fresh {@code <workdir>/<name>} with the distribution and the plugin zip installed, and a single-node
   * configuration with the given extra {@code opensearch.yml} settings.
   */
  public static RealOpenSearch install(String name, Map<String, String> settings) throws IOException, InterruptedException {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("discovery.type", "single-node");
    config.putAll(settings);
    return install(name, name, config);
  }

  /**
   * Installs and starts {@code size} nodes of one cluster on the loopback interface, each in its own directory, and
   * waits until the cluster has formed. The nodes bind free ports, so they find each other through a seed hosts file
   * ({@code discovery.seed_providers: file}) written once every node has bound its transport port.
   */
  public static List<RealOpenSearch> startCluster(String clusterName, int size, Map<String, String> settings) throws IOException,
      InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      names.add(clusterName + "-" + i);
    }
    Map<String, String> config = new LinkedHashMap<>();
    config.put("discovery.seed_providers", "file");
    config.put("discovery.seed_hosts", "[]"); // not the default localhost:9300-9305, where other clusters may live
    config.put("cluster.initial_cluster_manager_nodes", names.toString());
    // A node writes its ports files only once it has joined a cluster or given up waiting (30 s by default); the
    // seed hosts file needs those ports first.
    config.put("discovery.initial_state_timeout", "0s");
    config.putAll(settings);
    List<RealOpenSearch> nodes = new ArrayList<>();
    try {
      for (String name : names) {
        nodes.add(install(name, clusterName, config));
      }
      for (RealOpenSearch node : nodes) {
        node.launch();
      }
      List<Integer> transportPorts = new ArrayList<>();
      for (RealOpenSearch node : nodes) {
        transportPorts.add(node.transportPort());
      }
      for (RealOpenSearch node : nodes) {
        node.writeSeedHosts(transportPorts);
      }
      for (RealOpenSearch node : nodes) {
        node.awaitHealth("yellow");
      }
      return nodes;
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (RealOpenSearch node : nodes) {
        node.stopQuietly();
      }
      throw e;
    }
  }

  /** Where {@link #install(String, Map)} puts node {@code name}'s home (the template is prepared if it is not yet). */
  public static Path homeFor(String name) throws IOException, InterruptedException {
    Path workDir = Path.of(requiredProperty(WORK_DIR_PROPERTY)).toAbsolutePath();
    return workDir.resolve(name).resolve(installedTemplate(workDir).getFileName());
  }

  /** Unpacks and installs a node of the cluster {@code clusterName}; {@code settings} complete {@code opensearch.yml}. */
  private static RealOpenSearch install(String name, String clusterName, Map<String, String> settings) throws IOException,
      InterruptedException {
    Path workDir = Path.of(requiredProperty(WORK_DIR_PROPERTY)).toAbsolutePath();
    Path template = installedTemplate(workDir);
    Path dir = workDir.resolve(name);
    Path home = dir.resolve(template.getFileName());
    Optional<ProcessHandle> running = runningFrom(home);
    if (running.isPresent()) {
      throw new IllegalStateException("A node from an earlier run still runs from " + home + " (PID " + running.get().pid()
          + "); stop it first");
    }
    deleteRecursively(dir);
    linkTree(template, home);
    String user = isRoot() ? System.getProperty(USER_PROPERTY, "vectorscoring") : null;
    RealOpenSearch node = new RealOpenSearch(name, dir, home, user);
    node.configure(clusterName, settings);
    if (user != null) {
      ensureUser(user, dir);
      node.chownHome();
    }
    return node;
  }

  /** The distribution with the plugin installed, unpacked afresh once per test JVM; nodes get linked copies of it. */
  private static Path template;

  private static synchronized Path installedTemplate(Path workDir) throws IOException, InterruptedException {
    if (template == null) {
      Path zip = existingFile(DISTRIBUTION_PROPERTY, "the OpenSearch distribution zip");
      Path plugin = existingFile(PLUGIN_PROPERTY, "the plugin zip");
      Path dir = workDir.resolve("template");
      Path home = unpack(zip, dir);
      run(home, dir.resolve("plugin-install.log"), Duration.ofMinutes(2), home.resolve("bin/opensearch-plugin").toString(), "install",
          "--batch", plugin.toUri().toString());
      log("installed " + plugin.getFileName() + " into " + home);
      template = home;
    }
    return template;
  }

  /**
   * A node's home from the template: hard links to its files (nothing outside config/ is written by a node, and
   * linking saves an unzip and a plugin install per node), but config/ copied, which each node changes.
   */
  private static void linkTree(Path source, Path destination) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Path relative = source.relativize(path);
        Path target = destination.resolve(relative);
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else if (relative.startsWith("config")) {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        } else {
          try {
            Files.createLink(target, path);
          } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
    }
  }

  /** Starts the node and waits until the cluster is at least yellow; on failure stops it and throws with its log. */
  public void start() throws IOException, InterruptedException {
    start("yellow");
  }

  /**
   * Starts the node and waits until the cluster health is at least {@code status}; {@code red} waits only for the node
   * to answer, for a node expected to come up with indices it cannot open.
   */
  public void start(String status) throws IOException, InterruptedException {
    launch();
    awaitHealth(status);
  }

  /** Starts the node without waiting for it (for a cluster whose nodes must all be up before it forms). */
  private void launch() throws IOException {
    if (runner != null) {
      throw new IllegalStateException(name + " is already running");
    }
    // Ports files from an earlier run would name ports this run does not use.
    Files.deleteIfExists(home.resolve("logs/http.ports"));
    Files.deleteIfExists(home.resolve("logs/transport.ports"));
    Files.deleteIfExists(pidFile());
    List<String> command = new ArrayList<>();
    if (user != null) {
      command.addAll(List.of("runuser", "-u", user, "--"));
    }
    // runuser resets parts of the environment, so the variables go through env, beyond its reach.
    command.add("env");
    command.add("OPENSEARCH_JAVA_HOME=" + System.getProperty("java.home"));
    command.add("JAVA_HOME=" + System.getProperty("java.home"));
    command.add("OPENSEARCH_JAVA_OPTS=-Xms" + HEAP + " -Xmx" + HEAP);
    command.add("OPENSEARCH_TMPDIR=" + home.resolve("tmp"));
    command.add(home.resolve("bin/opensearch").toString());
    command.add("-p");
    command.add(pidFile().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("OPENSEARCH_PATH_CONF");
    runner = builder.start();
    shutdownHook = new Thread(this::stopQuietly, "stop OpenSearch node " + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    log("started " + name + " (" + home + ", runner PID " + runner.pid() + (user == null ? "" : ", as user " + user) + ")");
  }

  /** Waits for the node's HTTP port and then for the cluster health to reach {@code status} (or better). */
  private void awaitHealth(String status) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    long begin = System.nanoTime();
    try {
      httpPort = port(home.resolve("logs/http.ports"), deadline);
      client = RestClient.builder(new HttpHost("http", "127.0.0.1", httpPort)).build();
      while (true) {
        checkRunning();
        try {
          Request health = new Request("GET", "/_cluster/health");
          health.addParameter("wait_for_status", status);
          health.addParameter("timeout", "1s");
          Response response = client.performRequest(health);
          String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
          if (body.contains("\"timed_out\":false")) {
            log(name + " is up on port " + httpPort + " after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin) + " s");
            return;
          }
        } catch (IOException e) {
          // Not answering yet, or a 408/503 while the cluster forms.
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(name + " did not reach health [" + status + "] within " + START_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(500);
      }
    } catch (IOException | RuntimeException e) {
      String tail = logTail(60);
      stopQuietly();
      throw new IOException(e.getMessage() + "\n--- the end of " + consoleLog + " ---\n" + tail, e);
    } catch (InterruptedException e) {
      stopQuietly();
      throw e;
    }
  }

  /** Reads the first port from an OpenSearch ports file ({@code node.portsfile: true}), waiting for the node to write it. */
  private int port(Path file, long deadline) throws IOException, InterruptedException {
    while (Files.exists(file) == false) {
      checkRunning();
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " did not bind its ports within " + START_TIMEOUT.toSeconds() + " s (no " + file + ")");
      }
      Thread.sleep(250);
    }
    String first = Files.readAllLines(file).get(0).trim();
    return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
  }

  /** The transport port the running node bound, for other nodes to find it. */
  private int transportPort() throws IOException, InterruptedException {
    try {
      return port(home.resolve("logs/transport.ports"), System.nanoTime() + START_TIMEOUT.toNanos());
    } catch (IOException | RuntimeException e) {
      throw new IOException(e.getMessage() + "\n--- the end of " + consoleLog + " ---\n" + logTail(60), e);
    }
  }

  private void checkRunning() throws IOException {
    if (runner == null || runner.isAlive() == false) {
      throw new IOException(name + " exited during startup" + (runner == null ? "" : " with status " + runner.exitValue()));
    }
  }

  /** A REST client for the running node; closed when the node stops. */
  public RestClient client() {
    if (client == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return client;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path home() {
    return home;
  }

  /** Everything the node wrote to stdout and stderr, across its runs. */
  public String consoleLog() throws IOException {
    return Files.exists(consoleLog) ? Files.readString(consoleLog) : "";
  }

  /** The last {@code lines} lines of the console log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.exists(consoleLog) ? Files.readAllLines(consoleLog) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(could not read " + consoleLog + ": " + e + ")";
    }
  }

  /**
   * Stops the node by its PID (SIGTERM, SIGKILL after a grace period), then whatever else this node's runner
   * started that is still alive (helper JVMs of {@code bin/opensearch} during startup). The data stays, for
   * {@link #start()} to start the node again on it.
   */
  public synchronized void stop() throws InterruptedException {
    if (runner == null) {
      return;
    }
    closeClient();
    // Taken before anything exits: once the runner is gone, its orphans are no longer its descendants. As root the
    // runner is runuser and the node its child; otherwise env and bin/opensearch exec into the node's JVM itself.
    List<ProcessHandle> family = new ArrayList<>();
    family.add(runner.toHandle());
    runner.descendants().forEach(family::add);
    Optional<ProcessHandle> node = nodeProcess(family);
    if (node.isPresent()) {
      terminate(node.get(), STOP_GRACE);
      runner.waitFor(10, TimeUnit.SECONDS); // runuser exits with its child
    }
    // Whatever is left, e.g. bin/opensearch and its helper JVMs when stopped during startup; the runner last.
    for (ProcessHandle process : family.reversed()) {
      if (process.isAlive()) {
        terminate(process, Duration.ofSeconds(10));
      }
    }
    int status = runner.waitFor();
    log("stopped " + name + " (exit status " + status + ")");
    forgetRunner();
  }

  /**
   * Kills the node's JVM with SIGKILL, as a power cut or the kernel's OOM killer would, and waits until it and the
   * runner have exited. Nothing is flushed or closed: the data stays as the kill left it, for {@link #start()} to
   * recover from.
   */
  public synchronized void kill() throws InterruptedException {
    if (runner == null) {
      throw new IllegalStateException(name + " is not running");
    }
    List<ProcessHandle> family = new ArrayList<>();
    family.add(runner.toHandle());
    runner.descendants().forEach(family::add);
    ProcessHandle node = nodeProcess(family).orElseThrow(() -> new IllegalStateException(name
        + " has no node process to kill: " + pidFile() + " names none of the processes its runner started"));
    node.destroyForcibly();
    try {
      node.onExit().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("PID " + node.pid() + " did not exit after SIGKILL", e);
    }
    // Closed only now, so that requests in flight see the node die rather than their client close.
    closeClient();
    runner.waitFor(10, TimeUnit.SECONDS); // runuser exits with its child
    for (ProcessHandle process : family.reversed()) {
      if (process.isAlive()) {
        terminate(process, Duration.ofSeconds(10));
      }
    }
    log("killed " + name + " (PID " + node.pid() + ", runner exit status " + runner.waitFor() + ")");
    forgetRunner();
  }

  private void forgetRunner() {
    runner = null;
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down already.
      }
    }
    shutdownHook = null;
  }

  /** Removes {@code plugin} from the stopped node with {@code bin/opensearch-plugin remove} (its config files stay). */
  public void removePlugin(String plugin) throws IOException, InterruptedException {
    checkStopped();
    run(home, dir.resolve("plugin-remove.log"), Duration.ofMinutes(2), home.resolve("bin/opensearch-plugin").toString(), "remove",
        plugin);
    log("removed plugin " + plugin + " from " + name);
  }

  /** Installs the built plugin zip into the stopped node again, as {@link #install(String, Map)} did. */
  public void installPlugin() throws IOException, InterruptedException {
    checkStopped();
    Path plugin = existingFile(PLUGIN_PROPERTY, "the plugin zip");
    run(home, dir.resolve("plugin-install.log"), Duration.ofMinutes(2), home.resolve("bin/opensearch-plugin").toString(), "install",
        "--batch", plugin.toUri().toString());
    if (user != null) {
      chownHome(); // the tool ran as root: the node's user must own what it wrote
    }
    log("installed " + plugin.getFileName() + " into " + name);
  }

  private void checkStopped() {
    if (runner != null) {
      throw new IllegalStateException(name + " is running; stop it first");
    }
  }

  /** The node's JVM: the PID in its pidfile, if that is one of the processes we started. */
  private Optional<ProcessHandle> nodeProcess(List<ProcessHandle> family) {
    try {
      if (Files.exists(pidFile())) {
        long pid = Long.parseLong(Files.readString(pidFile()).trim());
        return family.stream().filter(p -> p.pid() == pid).findFirst();
      }
    } catch (IOException | NumberFormatException e) {
      // Not written yet, or half written: fall through to the runner.
    }
    return Optional.empty();
  }

  private static void terminate(ProcessHandle process, Duration grace) throws InterruptedException {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log("PID " + process.pid() + " still running after " + grace.toSeconds() + " s, killing it");
      process.destroyForcibly();
      try {
        process.onExit().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e2) {
        log("PID " + process.pid() + " did not exit after SIGKILL: " + e2);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (InterruptedException | RuntimeException e) {
      log("could not stop " + name + ": " + e);
    }
  }

  private void closeClient() {
    if (client != null) {
      try {
        client.close();
      } catch (IOException e) {
        log("closing the REST client of " + name + ": " + e);
      }
      client = null;
    }
  }

  /** Stops the node; its directory stays under {@code target/} for a look at its logs. */
  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping " + name, e);
    }
  }

  private Path pidFile() {
    return home.resolve("opensearch.pid");
  }

  private void configure(String clusterName, Map<String, String> settings) throws IOException {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("cluster.name", clusterName);
    config.put("node.name", name);
    config.put("network.host", "127.0.0.1");
    // Port 0 binds free ports; the node writes them to logs/{http,transport}.ports, where start() reads them.
    config.put("http.port", "0");
    config.put("transport.port", "0");
    config.put("node.portsfile", "true");
    // The machine's disk is shared: a nearly full disk must not make the test indexes read-only.
    config.put("cluster.routing.allocation.disk.threshold_enabled", "false");
    config.putAll(settings);
    StringBuilder yml = new StringBuilder("\n# written by RealOpenSearch (the real-node tests)\n");
    config.forEach((key, value) -> yml.append(key).append(": ").append(value).append('\n'));
    Files.writeString(home.resolve("config/opensearch.yml"), yml, StandardOpenOption.APPEND);
  }

  /** Writes the cluster's seed hosts for {@code discovery.seed_providers: file}, which re-reads them every round. */
  private void writeSeedHosts(List<Integer> transportPorts) throws IOException {
    StringBuilder hosts = new StringBuilder();
    transportPorts.forEach(p -> hosts.append("127.0.0.1:").append(p).append('\n'));
    Path file = home.resolve("config/unicast_hosts.txt");
    Path tmp = home.resolve("config/unicast_hosts.txt.tmp");
    Files.writeString(tmp, hosts);
    if (user != null) {
      Files.setOwner(tmp, lookupUser(user));
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Unpacks the distribution into a fresh {@code dir} and returns its home (no node runs from there). */
  private static Path unpack(Path zip, Path dir) throws IOException {
    try (ZipFile zipFile = new ZipFile(zip.toFile())) {
      String top = zipFile.stream().findFirst().map(e -> e.getName().substring(0, e.getName().indexOf('/'))).orElseThrow();
      Path home = dir.resolve(top);
      deleteRecursively(dir);
      Files.createDirectories(dir);
      for (ZipEntry entry : zipFile.stream().toList()) {
        Path target = dir.resolve(entry.getName()).normalize();
        if (target.startsWith(dir) == false) {
          throw new IOException("zip entry outside the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          try (InputStream in = zipFile.getInputStream(entry)) {
            Files.copy(in, target);
          }
        }
      }
      // java.util.zip drops Unix modes; the distribution's only executables are its scripts in bin/.
      try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
        for (Path script : scripts.toList()) {
          Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      Files.createDirectories(home.resolve("tmp"));
      Files.createDirectories(home.resolve("logs"));
      return home;
    }
  }

  /** A live process whose pidfile is in {@code home} and that runs OpenSearch from there. */
  private static Optional<ProcessHandle> runningFrom(Path home) {
    try {
      Path pidFile = home.resolve("opensearch.pid");
      if (Files.exists(pidFile) == false) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(p -> p.info().arguments().map(args -> List.of(args).contains("-Dopensearch.path.home=" + home)).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir) == false) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  /** Creates the unprivileged system user OpenSearch runs as (it refuses root), unless it exists already. */
  private static void ensureUser(String user, Path dir) throws IOException, InterruptedException {
    try {
      lookupUser(user);
    } catch (UserPrincipalNotFoundException e) {
      log("creating system user '" + user + "' to run OpenSearch (it refuses to run as root)");
      Process useradd = new ProcessBuilder("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
          "--shell", "/usr/sbin/nologin", user).redirectErrorStream(true).start();
      String output = new String(useradd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // 9: created meanwhile by someone else, which is as good.
      if (useradd.waitFor() != 0 && useradd.exitValue() != 9) {
        throw new IOException("useradd " + user + " failed (" + useradd.exitValue() + "): " + output);
      }
    }
    // The user must be able to reach the node's home: every directory above it searchable by others.
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
      if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE) == false) {
        throw new IOException("User '" + user + "' cannot reach " + dir + ": " + p + " is not searchable by others (chmod o+x " + p + ")");
      }
    }
  }

  private static UserPrincipal lookupUser(String user) throws IOException {
    return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
  }

  private void chownHome() throws IOException {
    UserPrincipal owner = lookupUser(user);
    try (Stream<Path> paths = Files.walk(home)) {
      for (Path path : paths.toList()) {
        Files.setOwner(path, owner);
      }
    }
  }

  /** Runs a tool of the distribution to completion, its output in {@code log}; fails with that output. */
  private static void run(Path home, Path log, Duration timeout, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("OPENSEARCH_PATH_CONF");
    Process process = builder.start();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) == false) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
      throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n" + Files.readString(log));
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue() + ":\n" + Files.readString(log));
    }
  }

  private static Path existingFile(String property, String what) {
    Path path = Path.of(requiredProperty(property));
    if (Files.isRegularFile(path) == false) {
      throw new IllegalStateException("No " + what + " at " + path + " (-D" + property + "); `mvn verify` builds it in [package] and "
          + "copies the distribution in [pre-integration-test]");
    }
    return path;
  }

  private static String requiredProperty(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("-D" + property + " is not set: run the real-node tests through `mvn verify` "
          + "(e.g. mvn verify -Dit.test=RealNodeIT), which sets it");
    }
    return value;
  }

  private static void log(String message) {
    System.err.println("[realnode] " + message);
  }
}

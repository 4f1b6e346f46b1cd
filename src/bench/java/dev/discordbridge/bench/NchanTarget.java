package dev.discordbridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx + nchan (Debian's nginx and libnginx-mod-nchan) as the reference: one worker pinned to
 * the server CPU, a publisher location that takes one event per keep-alive POST, and an
 * EventSource subscriber location on the same channel. The worker is the measured process.
 */
final class NchanTarget implements Target {
  static final Path NGINX = Path.of("/usr/sbin/nginx");

  private final Vertx vertx;
  private final BenchOptions options;
  private Path dir;
  private Process master;
  private long workerPid;
  private int port;
  private HttpClientAgent publisher;
  private final AtomicLong publishFailures = new AtomicLong();
  private volatile String firstPublishFailure;

  NchanTarget(Vertx vertx, BenchOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  @Override
  public String name() {
    return "nginx+nchan";
  }

  @Override
  public void start() throws Exception {
    if (!Files.isExecutable(NGINX) || !Files.exists(BenchOptions.NCHAN_MODULE)) {
      throw new IllegalStateException("nginx + nchan are not installed (apt-get install -y nginx libnginx-mod-nchan; bench/run.sh does it)");
    }
    dir = Files.createTempDirectory("bench-nchan-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    port = Bench.freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config());
    Files.copy(conf, options.workDir().resolve("target/bench-nginx.conf"), StandardCopyOption.REPLACE_EXISTING);
    var pb = new ProcessBuilder("taskset", "-c", Integer.toString(options.serverCpu()), NGINX.toString(),
        "-p", dir + "/", "-c", conf.toString(), "-e", dir.resolve("error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile());
    master = pb.start();
    ChildProcesses.add(master);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IllegalStateException("nginx exited with code " + master.exitValue() + ":\n" + logs());
      }
      workerPid = master.toHandle().children().filter(NchanTarget::isWorker).mapToLong(ProcessHandle::pid)
          .findFirst().orElse(0);
      if (workerPid != 0 && accepts(port)) {
        ChildProcesses.refresh();
        publisher = vertx.httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setDefaultHost("127.0.0.1").setDefaultPort(port))
            .with(new PoolOptions().setHttp1MaxSize(4))
            .build();
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("nginx did not accept connections on port " + port + " within 20 s:\n" + logs());
  }

  private String config() {
    int connections = Math.max(12_000, options.streams() + 1_000);
    String affinity = "1" + "0".repeat(options.serverCpu());
    return """
        load_module %s;
        worker_processes 1;
        worker_cpu_affinity %s;
        worker_rlimit_nofile 20000;
        daemon off;
        master_process on;
        pid %s/nginx.pid;
        error_log %s/error.log warn;
        events {
          worker_connections %d;
          use epoll;
          multi_accept on;
        }
        http {
          access_log off;
          client_body_temp_path %s/client_body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          keepalive_requests 10000000;
          keepalive_timeout 600s;
          client_body_buffer_size 16k;
          nchan_shared_memory_size 256m;
          server {
            listen 127.0.0.1:%d backlog=4096;
            location = /pub {
              nchan_publisher;
              nchan_channel_id bench;
              nchan_message_buffer_length 64;
              nchan_message_timeout 60s;
            }
            location = /sub {
              nchan_subscriber eventsource;
              nchan_channel_id bench;
              nchan_subscriber_first_message newest;
              nchan_eventsource_event messageCreate;
            }
          }
        }
        """.formatted(BenchOptions.NCHAN_MODULE, affinity, dir, dir, connections, dir, dir, dir, dir, dir, port);
  }

  private static boolean isWorker(ProcessHandle h) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"))).startsWith("nginx: worker");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (var s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logs() {
    var sb = new StringBuilder();
    for (String f : List.of("nginx.out", "error.log")) {
      sb.append(BridgeTarget.tail(dir.resolve(f), 15)).append('\n');
    }
    return sb.toString();
  }

  @Override
  public long measuredPid() {
    return workerPid;
  }

  @Override
  public SseLoop.StreamSpec streamSpec() {
    byte[] request = ("GET /sub HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return new SseLoop.StreamSpec(new InetSocketAddress("127.0.0.1", port), i -> request, false);
  }

  @Override
  public void publish(String eventJson) {
    publisher.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/pub")
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(eventJson)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.failed() || ar.result() / 100 != 2) {
            publishFailures.incrementAndGet();
            if (firstPublishFailure == null) {
              firstPublishFailure = ar.failed() ? String.valueOf(ar.cause()) : "HTTP " + ar.result();
            }
          }
        });
  }

  @Override
  public CommandSpec commands() {
    return null;
  }

  @Override
  public String notes() {
    long failures = publishFailures.get();
    return failures == 0 ? "" : "publish failures " + failures + " (first: " + firstPublishFailure + "); ";
  }

  @Override
  public void stop() {
    if (publisher != null) {
      Bench.awaitQuietly(publisher.close(), 5);
    }
    if (master != null) {
      ChildProcesses.stop(master, 10);
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temp dir left behind is harmless.
      }
    }
  }
}

package dev.chameleon.workbench.curation.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.images.RemoteImageFetcher;
import dev.chameleon.workbench.curation.images.RemoteImageFetcher.FetchResult;
import dev.chameleon.workbench.curation.images.RemoteImageFetcher.Settings;
import dev.chameleon.workbench.curation.model.Part;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote images fetched from a real HTTP server on 127.0.0.1: what is stored, and every limit (time, size,
 * redirects, content type, pixels) refusing with a reason while the record keeps the image's address.
 */
@Tag("unit")
class RemoteImageFetchTest {

    /** Loopback allowed (the server is local); limits generous enough for a busy test machine. */
    private static final Settings FAST = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(10), 5, true);
    /** A one-second total limit, for the slow servers. */
    private static final Settings IMPATIENT = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(1), 5, true);

    @TempDir
    Path dir;
    private HttpServer server;
    private ExecutorService handlers;
    private String base;
    private ImageStore store;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final byte[] png = Fixtures.png(8, 8, Color.GREEN);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        store = Fixtures.store(dir);
        serve("/cat.png", 200, "image/png", png);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void aGoodPngIsStoredAndFetchedOncePerAddress() throws Exception {
        ImageResolver resolver = resolver(new RemoteImageFetcher(store, FAST));

        Part first = resolver.part(base + "/cat.png");
        Part second = resolver.part(base + "/cat.png");

        assertThat(first).isEqualTo(new Part.Image(ImageStore.sha256(png))).isEqualTo(second);
        assertThat(store.read(ImageStore.sha256(png))).isEqualTo(png);
        assertThat(hits.get("/cat.png")).hasValue(1);
        assertThat(resolver.takeFetchFailures()).isEmpty();
        assertThat(resolver.resolve(base + "/cat.png")).isEqualTo(ImageStore.sha256(png));
    }

    @Test
    void withFetchingOffTheAddressIsKeptAndNothingIsDownloaded() throws Exception {
        ImageResolver resolver = new ImageResolver(store, dir, List.of(), false);

        assertThat(resolver.part(base + "/cat.png")).isEqualTo(new Part.RemoteImage(base + "/cat.png"));
        assertThat(resolver.part("HTTP://127.0.0.1/x.png")).isEqualTo(new Part.RemoteImage("http://127.0.0.1/x.png"));
        assertThat(hits.get("/cat.png")).hasValue(0);
        assertThat(resolver.takeFetchFailures()).isEmpty();
    }

    @Test
    void aFailedDownloadKeepsTheAddressAndReportsWhyOnce() throws Exception {
        ImageResolver resolver = resolver(new RemoteImageFetcher(store, FAST));

        Part p = resolver.part(base + "/gone.png");

        assertThat(p).isEqualTo(new Part.RemoteImage(base + "/gone.png"));
        assertThat(resolver.takeFetchFailures()).singleElement().asString()
                .contains(base + "/gone.png", "not fetched", "the server answered 404");
        assertThat(resolver.takeFetchFailures()).isEmpty();
    }

    @Test
    void aSlowServerTimesOut() {
        handle("/silent.png", ex -> sleep(60_000));
        handle("/drip.png", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (byte b : png) {
                out.write(b);
                out.flush();
                sleep(300);
            }
            out.close();
        });
        RemoteImageFetcher fetcher = new RemoteImageFetcher(store, IMPATIENT);

        for (String path : List.of("/silent.png", "/drip.png")) {
            long t0 = System.nanoTime();
            FetchResult r = fetcher.fetch(base + path);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.fetched()).as(path).isFalse();
            assertThat(r.problem()).as(path).isEqualTo("no complete answer within 1 s");
            assertThat(seconds).as(path).isLessThan(8); // the drip alone would take 20 s, the silent server 60 s
        }
    }

    @Test
    void aHugeBodyIsCutOffAtTheByteLimit() throws Exception {
        ImageStore small = new ImageStore(dir.resolve("small"), new ImageLimits(64 << 10, 40_000_000L, 16_384));
        long offered = 1L << 30;
        AtomicLong written = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        handle("/endless.png", ex -> {
            try {
                ex.getResponseHeaders().set("Content-Type", "image/png");
                ex.sendResponseHeaders(200, 0); // chunked: no length announced, the cap must stop the stream
                OutputStream out = ex.getResponseBody();
                byte[] chunk = new byte[64 << 10];
                System.arraycopy(png, 0, chunk, 0, png.length);
                while (written.get() < offered) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } finally {
                done.countDown();
            }
        });
        serve("/announced.png", 200, "image/png", new byte[1 << 20]);
        RemoteImageFetcher fetcher = new RemoteImageFetcher(small, FAST);

        FetchResult streamed = fetcher.fetch(base + "/endless.png");
        assertThat(streamed.problem()).isEqualTo("the image is over the limit of 65536 bytes; the download was stopped");
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the server saw the connection dropped").isTrue();
        assertThat(written.get()).isLessThan(offered / 4);

        assertThat(fetcher.fetch(base + "/announced.png").problem())
                .isEqualTo("the server announces 1048576 bytes, over the limit of 65536 bytes");
    }

    @Test
    void aRedirectLoopIsRefused() {
        redirect("/loop-a", "/loop-b");
        redirect("/loop-b", base + "/loop-a");

        FetchResult r = new RemoteImageFetcher(store, FAST).fetch(base + "/loop-a");

        assertThat(r.fetched()).isFalse();
        assertThat(r.problem()).isEqualTo("the redirects loop back to " + base + "/loop-a");
    }

    @Test
    void redirectsAreFollowedUpToTheLimit() {
        for (int i = 0; i < 6; i++) {
            redirect("/hop" + i, i == 5 ? "/cat.png" : "/hop" + (i + 1));
        }
        RemoteImageFetcher fetcher = new RemoteImageFetcher(store, FAST);

        FetchResult five = fetcher.fetch(base + "/hop1");
        assertThat(five.sha256()).isEqualTo(ImageStore.sha256(png));

        FetchResult six = fetcher.fetch(base + "/hop0");
        assertThat(six.fetched()).isFalse();
        assertThat(six.problem()).isEqualTo("more than 5 redirects");
    }

    @Test
    void onlyImagesAreAcceptedAndUntypedBodiesAreSniffed() {
        serve("/page.png", 200, "text/html; charset=utf-8", "<html>hi</html>".getBytes(StandardCharsets.UTF_8));
        serve("/blob", 200, "application/octet-stream", png);
        serve("/text-blob", 200, "application/octet-stream", "hello".getBytes(StandardCharsets.UTF_8));
        RemoteImageFetcher fetcher = new RemoteImageFetcher(store, FAST);

        assertThat(fetcher.fetch(base + "/page.png").problem()).isEqualTo("the server sent text/html, not an image");
        assertThat(fetcher.fetch(base + "/blob").sha256()).isEqualTo(ImageStore.sha256(png));
        assertThat(fetcher.fetch(base + "/text-blob").problem()).contains("not a recognised image format");
    }

    @Test
    void aForgedPixelCountIsRefusedFromTheHeader() {
        serve("/bomb.png", 200, "image/png", Fixtures.pngDeclaring(20_000, 20_000));

        FetchResult r = new RemoteImageFetcher(store, FAST).fetch(base + "/bomb.png");

        assertThat(r.fetched()).isFalse();
        // The header check speaks of the declared size; decoding the 1x1 payload would have failed differently.
        assertThat(r.problem()).contains("declares 20000x20000 pixels, over the limit");
    }

    @Test
    void byDefaultLocalAddressesAreNotFetched() {
        FetchResult r = new RemoteImageFetcher(store).fetch(base + "/cat.png");

        assertThat(r.problem()).contains("local or private network address (127.0.0.1)");
        assertThat(hits.get("/cat.png")).hasValue(0);
    }

    private ImageResolver resolver(RemoteImageFetcher fetcher) {
        return new ImageResolver(store, dir, List.of(), fetcher);
    }

    private void serve(String path, int status, String type, byte[] body) {
        handle(path, ex -> {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private void redirect(String path, String location) {
        handle(path, ex -> {
            ex.getResponseHeaders().set("Location", location);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
    }

    /** Registers a handler that counts its requests; a path no handler serves answers 404. */
    private void handle(String path, HttpHandler h) {
        AtomicInteger count = new AtomicInteger();
        hits.put(path, count);
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            count.incrementAndGet();
            try {
                h.handle(ex);
            } catch (IOException dropped) {
                // The client hung up (a refusal mid-body): nothing left to answer.
            } finally {
                ex.close();
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

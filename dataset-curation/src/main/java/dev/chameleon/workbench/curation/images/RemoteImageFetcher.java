package dev.chameleon.workbench.curation.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads images that records name by http(s) address into the image store, for imports that ask for it
 * ({@code --fetch-images}).
 *
 * <p>The addresses come from the files being imported, that is from whoever wrote them, so every download is
 * bounded: only http and https, no user name or password in the address, no local or private network address
 * (a record must not make the workbench read its own admin pages or a cloud metadata service), at most
 * {@link Settings#maxRedirects()} redirects followed one by one (a loop or an https-to-http downgrade is
 * refused), a connect and a total time limit, a response that must be an image (or untyped octet-stream), and a
 * body streamed into memory only up to the image store's byte limit (the connection is dropped past it). The
 * bytes then go through {@link ImageStore#put}, which checks the pixel count from the header before decoding.
 *
 * <p>A failure is not an exception: {@link #fetch} returns a {@link FetchResult} with a short reason, so the
 * importer keeps the record (with its image by address) and notes why the image is missing. Results, failures
 * included, are remembered per address for the life of the fetcher, i.e. one import: a picture that many
 * prompts share is downloaded once, and a dead server costs its timeout once.
 *
 * <p>Thread-safe.
 */
public final class RemoteImageFetcher {

    /** Distinct addresses remembered before the memory is cleared. */
    private static final int CACHE = 65_536;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /**
     * How a fetcher bounds its downloads.
     *
     * @param connectTimeout      longest wait for a connection to open
     * @param totalTimeout        longest time for one image, all redirects and the whole body included
     * @param maxRedirects        redirects followed before giving up
     * @param allowLocalAddresses true to fetch from loopback and private networks (tests and trusted setups)
     */
    public record Settings(Duration connectTimeout, Duration totalTimeout, int maxRedirects,
                           boolean allowLocalAddresses) {
        public Settings {
            if (connectTimeout.isNegative() || connectTimeout.isZero() || totalTimeout.isNegative()
                    || totalTimeout.isZero() || maxRedirects < 0) {
                throw new IllegalArgumentException("fetch timeouts must be positive and redirects not negative");
            }
        }

        /** 10 s to connect, 30 s in all, 5 redirects, public addresses only. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(30), 5, false);
        }
    }

    /**
     * The outcome of fetching one address.
     *
     * @param url     the address as asked for
     * @param sha256  the stored image's key, or null when it was not fetched
     * @param problem why it was not fetched, in a few words a user can act on ("the server answered 404"); null
     *                when it was
     */
    public record FetchResult(String url, String sha256, String problem) {
        public boolean fetched() {
            return sha256 != null;
        }
    }

    private final ImageStore store;
    private final Settings settings;
    private final HttpClient client;
    private final Map<String, FetchResult> results = new ConcurrentHashMap<>();

    public RemoteImageFetcher(ImageStore store) {
        this(store, Settings.defaults());
    }

    public RemoteImageFetcher(ImageStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Downloads and stores the image at an http(s) address, or says why not. Never throws for anything the
     * address or its server does; only a failure to write the image store escapes (as UncheckedIOException).
     */
    public FetchResult fetch(String url) {
        FetchResult known = results.get(url);
        if (known != null) {
            return known;
        }
        FetchResult result;
        try {
            result = new FetchResult(url, store.put(download(url)).sha256(), null);
        } catch (BadImageException e) {
            result = new FetchResult(url, null, e.getMessage());
        }
        if (results.size() >= CACHE) {
            results.clear();
        }
        results.put(url, result);
        return result;
    }

    /** The body of the image at {@code url}, after following redirects, within every limit. */
    private byte[] download(String url) throws BadImageException {
        long deadline = System.nanoTime() + settings.totalTimeout().toNanos();
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new BadImageException("the address is not a valid URL (" + e.getReason() + ")");
        }
        checkTarget(uri, null, settings.allowLocalAddresses());
        Set<URI> seen = new HashSet<>();
        seen.add(uri);
        for (int redirects = 0; ; redirects++) {
            Hop hop = get(uri, deadline);
            if (hop.location() == null) {
                return hop.body();
            }
            if (redirects == settings.maxRedirects()) {
                throw new BadImageException("more than " + settings.maxRedirects() + " redirects");
            }
            URI next;
            try {
                next = uri.resolve(new URI(hop.location()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new BadImageException("the server redirects to an invalid address");
            }
            checkTarget(next, uri, settings.allowLocalAddresses());
            if (!seen.add(next)) {
                throw new BadImageException("the redirects loop back to " + next);
            }
            uri = next;
        }
    }

    /**
     * Refuses an address (a redirect target when {@code from} is given) that is not plain http(s), carries a user
     * name or password, downgrades from https, or (unless allowed) names a local or private network host. The
     * host is resolved here and again when connecting, so this is a guard against careless records, not against
     * a DNS server that answers differently the second time.
     */
    static void checkTarget(URI to, URI from, boolean allowLocal) throws BadImageException {
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadImageException("only http and https addresses are fetched"
                    + (from == null ? "" : "; the server redirects to " + (scheme.isEmpty() ? "a relative" : scheme)
                    + " address"));
        }
        if (from != null && "https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            throw new BadImageException("the server redirects from https to plain http, which is refused");
        }
        if (to.getRawUserInfo() != null) {
            throw new BadImageException("addresses with a user name or password are not fetched");
        }
        String host = to.getHost();
        if (host == null || host.isEmpty()) {
            throw new BadImageException("the address has no host name");
        }
        if (allowLocal) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new BadImageException("host " + host + " not found");
        }
        for (InetAddress a : addresses) {
            if (local(a)) {
                throw new BadImageException("host " + host + " is a local or private network address ("
                        + a.getHostAddress() + "); such images are not fetched, download them and pass --images DIR");
            }
        }
    }

    private static boolean local(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc);
    }

    /** One request: a redirect's target, or the body of an image response. */
    private Hop get(URI uri, long deadline) throws BadImageException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofNanos(left))
                .header("Accept", "image/*")
                .header("User-Agent", "Chameleon-Workbench image import")
                .GET()
                .build();
        Body body = new Body(store.limits().maxBytes());
        CompletableFuture<HttpResponse<Hop>> response = client.sendAsync(request, body::start);
        try {
            return response.get(left, TimeUnit.NANOSECONDS).body().orThrow();
        } catch (TimeoutException e) {
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadImageException("the download was interrupted");
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } finally {
            body.cancel();
            response.cancel(true);
        }
    }

    private BadImageException timedOut() {
        return new BadImageException("no complete answer within " + seconds(settings.totalTimeout()));
    }

    private static String seconds(Duration d) {
        return (d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.valueOf(d.toMillis() / 1000.0)) + " s";
    }

    private BadImageException failure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new BadImageException("could not connect within " + seconds(settings.connectTimeout()));
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut();
        }
        if (cause instanceof ConnectException) {
            return new BadImageException("the server refused the connection");
        }
        if (cause instanceof IOException) {
            return new BadImageException("the download failed (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")");
        }
        return new BadImageException("the download failed (" + cause + ")");
    }

    /** What one response came to: the body, the redirect target, or why it is refused. */
    private record Hop(byte[] body, String location, String problem) {
        Hop orThrow() throws BadImageException {
            if (problem != null) {
                throw new BadImageException(problem);
            }
            return this;
        }
    }

    /**
     * Reads a response: decides from the status and headers whether the body is wanted at all (dropping the
     * connection at once when it is not) and streams a wanted body up to the byte limit.
     */
    private static final class Body implements HttpResponse.BodySubscriber<Hop> {
        private final long maxBytes;
        private final CompletableFuture<Hop> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Hop verdict;
        private volatile Flow.Subscription subscription;

        Body(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        HttpResponse.BodySubscriber<Hop> start(HttpResponse.ResponseInfo info) {
            verdict = judge(info);
            return this;
        }

        private Hop judge(HttpResponse.ResponseInfo info) {
            int status = info.statusCode();
            if (REDIRECTS.contains(status)) {
                return info.headers().firstValue("location").map(l -> new Hop(null, l, null))
                        .orElse(new Hop(null, null, "the server answered " + status + " without a Location"));
            }
            if (status < 200 || status > 299) {
                return new Hop(null, null, "the server answered " + status);
            }
            String type = info.headers().firstValue("content-type")
                    .map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse("");
            if (!type.startsWith("image/") && !type.isEmpty() && !type.endsWith("/octet-stream")) {
                return new Hop(null, null, "the server sent " + type + ", not an image");
            }
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > maxBytes) {
                return new Hop(null, null, "the server announces " + declared + " bytes, over the limit of "
                        + maxBytes + " bytes");
            }
            return null;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (verdict != null) {
                s.cancel();
                result.complete(verdict);
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (bytes.size() + (long) b.remaining() > maxBytes) {
                    subscription.cancel();
                    result.complete(new Hop(null, null, "the image is over the limit of " + maxBytes
                            + " bytes; the download was stopped"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Hop(bytes.toByteArray(), null, null));
        }

        @Override
        public CompletionStage<Hop> getBody() {
            return result;
        }

        /** Drops the connection of a response still being read (a timeout). */
        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}

package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.BadImageException;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.images.RemoteImageFetcher;
import dev.chameleon.workbench.curation.model.Part;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an image reference from a record (a path, a {@code file:} URI or a base64 {@code data:} URI) into a key
 * of the image store, refusing anything that escapes the allowed folders, is too big or is not an image. An
 * http(s) address becomes a {@link Part.RemoteImage} kept by address, or, when the import fetches images, is
 * downloaded within limits ({@link RemoteImageFetcher}); a download that fails keeps the address and leaves its
 * reason in {@link #takeFetchFailures()}.
 *
 * <p>Relative paths are tried against the data file's folder, then each extra image folder. Whatever a path
 * resolves to (symbolic links followed) must lie inside one of those folders: a record cannot make the importer
 * read {@code ../../etc/passwd}.
 */
final class ImageResolver {

    private static final int CACHE = 8192;

    private final ImageStore store;
    private final long maxBytes;
    private final List<Path> roots;
    private final Map<Path, String> keysByFile = new HashMap<>();
    /** Null when remote images are kept by address. */
    private final RemoteImageFetcher fetcher;
    private final List<String> fetchFailures = new ArrayList<>();
    private long bytesRead;

    /**
     * A resolver that keeps http(s) images by address.
     *
     * @param dataFolder the folder of the data file (or the caption folder itself)
     * @param imageDirs  further folders images may come from
     */
    ImageResolver(ImageStore store, Path dataFolder, List<Path> imageDirs) {
        this(store, dataFolder, imageDirs, null);
    }

    /**
     * A resolver that downloads http(s) images, with the default limits, when {@code fetchImages} is true (an
     * import's {@link ImportOptions#fetchImages()}); one resolver serves one import, so each address is fetched
     * once.
     */
    ImageResolver(ImageStore store, Path dataFolder, List<Path> imageDirs, boolean fetchImages) {
        this(store, dataFolder, imageDirs, fetchImages ? new RemoteImageFetcher(store) : null);
    }

    /** A resolver that downloads http(s) images with this fetcher, or keeps them by address when it is null. */
    ImageResolver(ImageStore store, Path dataFolder, List<Path> imageDirs, RemoteImageFetcher fetcher) {
        this.store = store;
        this.fetcher = fetcher;
        this.maxBytes = store.limits().maxBytes();
        List<Path> rs = new ArrayList<>();
        rs.add(canonical(dataFolder));
        for (Path d : imageDirs) {
            rs.add(canonical(d));
        }
        this.roots = List.copyOf(rs);
    }

    /** Bytes of image files read so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** True when the store already holds this key (a 64-digit hex string); false for anything else. */
    boolean inStore(String sha256) {
        return isKey(sha256) && store.contains(sha256);
    }

    /**
     * Resolves a reference as records write it into a message part: a stored image, or, for an http(s) address,
     * the downloaded image when this resolver fetches and the download succeeds, else a {@link Part.RemoteImage}
     * that keeps the address (the image is not available offline). A failed download is not an error of the
     * record: its reason is kept for {@link #takeFetchFailures()}.
     */
    Part part(String ref) throws RecordException {
        String r = ref == null ? "" : ref.strip();
        String url = remote(r);
        if (url == null) {
            return new Part.Image(resolve(r));
        }
        if (fetcher == null) {
            return new Part.RemoteImage(url);
        }
        RemoteImageFetcher.FetchResult f = fetcher.fetch(url);
        if (f.fetched()) {
            return new Part.Image(f.sha256());
        }
        fetchFailures.add(fetchFailure(f));
        return new Part.RemoteImage(url);
    }

    /**
     * Why the remote images met since the last call were not downloaded, one line each ("image URL not fetched:
     * the server answered 404"), and forgets them. Empty when nothing failed or this resolver does not fetch. Call
     * it once after converting each record, whether the record converted or not, and put the lines in the
     * example's {@code review_note} metadata.
     */
    List<String> takeFetchFailures() {
        List<String> out = List.copyOf(fetchFailures);
        fetchFailures.clear();
        return out;
    }

    /** Resolves a reference as records write it and returns its image-store key. */
    String resolve(String ref) throws RecordException {
        if (ref == null || ref.isBlank()) {
            throw new RecordException("an image reference is empty; give a path, a file: URI or a data: URI");
        }
        String r = ref.strip();
        String scheme = scheme(r);
        if (scheme == null) {
            return file(r, r);
        }
        switch (scheme) {
            case "data":
                return dataUri(r);
            case "file":
                return file(filePath(r), r);
            case "http", "https":
                return fetched(r);
            default:
                throw new RecordException("image '" + shorten(r) + "' has the scheme " + scheme + ":, which is not "
                        + "read; give a path, a file: URI, a data: URI or an http(s) address");
        }
    }

    /** The key of a remote image this resolver downloads, or a refusal saying why there is none. */
    private String fetched(String ref) throws RecordException {
        String url = remote(ref);
        if (fetcher == null) {
            throw new RecordException("remote images are not fetched unless asked ('" + shorten(ref) + "'); import "
                    + "with --fetch-images, or download them and pass --images DIR with the folder that holds them");
        }
        RemoteImageFetcher.FetchResult f = fetcher.fetch(url);
        if (!f.fetched()) {
            throw new RecordException(fetchFailure(f));
        }
        return f.sha256();
    }

    private static String fetchFailure(RemoteImageFetcher.FetchResult f) {
        return "image " + shorten(f.url()) + " not fetched: " + f.problem();
    }

    /**
     * The http(s) address a reference names, its scheme in lower case as {@link Part.RemoteImage} wants it, or
     * null when the reference is not http(s).
     *
     * @throws RecordException for an http(s) reference that is not an absolute address ({@code http:img.png})
     */
    private static String remote(String ref) throws RecordException {
        String scheme = scheme(ref);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            return null;
        }
        String url = scheme + ref.substring(scheme.length());
        if (!url.startsWith(scheme + "://")) {
            throw new RecordException("image address '" + shorten(ref) + "' is not a full " + scheme
                    + ":// address");
        }
        return url;
    }

    /** Validates and stores bytes that came from somewhere else (an archive entry), named {@code what}. */
    String store(byte[] bytes, String what) throws RecordException {
        try {
            return store.put(bytes).sha256();
        } catch (BadImageException e) {
            throw new RecordException("image '" + shorten(what) + "': " + e.getMessage());
        }
    }

    private String file(String pathText, String ref) throws RecordException {
        Path p;
        try {
            p = Path.of(pathText);
        } catch (InvalidPathException e) {
            throw new RecordException("image path '" + shorten(ref) + "' is not a valid path: " + e.getReason());
        }
        List<Path> candidates = new ArrayList<>(roots.size());
        if (p.isAbsolute()) {
            candidates.add(p.normalize());
        } else {
            for (Path root : roots) {
                candidates.add(root.resolve(p).normalize());
            }
        }
        boolean escaped = false;
        for (Path c : candidates) {
            if (Files.exists(c)) {
                Path real;
                try {
                    real = c.toRealPath();
                } catch (IOException e) {
                    continue;
                }
                if (!inside(real)) {
                    escaped = true;
                    continue;
                }
                if (!Files.isRegularFile(real)) {
                    throw new RecordException("image path '" + shorten(ref) + "' is a folder, not an image file");
                }
                return read(real, ref);
            } else if (!inside(c)) {
                escaped = true;
            }
        }
        if (escaped) {
            throw new RecordException("image path '" + shorten(ref) + "' escapes the data folder; put images under "
                    + roots.get(0) + " or pass --images DIR");
        }
        throw new RecordException("image '" + shorten(ref) + "' not found; looked in " + searched()
                + "; put it there or pass --images DIR with the folder that holds it");
    }

    private String read(Path real, String ref) throws RecordException {
        String known = keysByFile.get(real);
        if (known != null && store.contains(known)) {
            return known;
        }
        byte[] bytes;
        try {
            long size = Files.size(real);
            if (size > maxBytes) {
                throw new RecordException("image '" + shorten(ref) + "' is " + size + " bytes, over the limit of "
                        + maxBytes + " bytes; downscale or recompress it");
            }
            try (InputStream in = Files.newInputStream(real)) {
                bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 16));
            }
        } catch (IOException e) {
            throw new RecordException("image '" + shorten(ref) + "' cannot be read: " + e);
        }
        bytesRead += bytes.length;
        if (bytes.length > maxBytes) {
            throw new RecordException("image '" + shorten(ref) + "' is over the limit of " + maxBytes
                    + " bytes; downscale or recompress it");
        }
        String key = store(bytes, ref);
        if (keysByFile.size() >= CACHE) {
            keysByFile.clear();
        }
        keysByFile.put(real, key);
        return key;
    }

    private String dataUri(String ref) throws RecordException {
        int comma = ref.indexOf(',');
        if (comma < 0) {
            throw new RecordException("data URI '" + shorten(ref) + "' has no ',' before its payload");
        }
        String meta = ref.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!meta.endsWith(";base64")) {
            throw new RecordException("data URI '" + shorten(ref) + "' is not base64; write images as "
                    + "data:image/png;base64,...");
        }
        int payload = ref.length() - comma - 1;
        if ((long) payload / 4 * 3 > maxBytes) {
            throw new RecordException("the data URI image is about " + (long) payload / 4 * 3
                    + " bytes, over the limit of " + maxBytes + " bytes; downscale or recompress it");
        }
        String b64 = ref.substring(comma + 1);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            try {
                bytes = Base64.getMimeDecoder().decode(b64);
            } catch (IllegalArgumentException e2) {
                throw new RecordException("data URI '" + shorten(ref) + "' is not valid base64: " + e2.getMessage());
            }
        }
        return store(bytes, shorten(ref));
    }

    /** The path a {@code file:} URI names: absolute for {@code file:///x}, relative for {@code file:x}. */
    private static String filePath(String ref) throws RecordException {
        try {
            URI u = new URI(ref);
            if (u.isOpaque()) {
                return u.getSchemeSpecificPart();
            }
            if (u.getAuthority() != null && !u.getAuthority().isEmpty() && !u.getAuthority().equals("localhost")) {
                throw new RecordException("file URI '" + shorten(ref) + "' names another host; remote images are "
                        + "not fetched: copy them here and pass --images DIR");
            }
            return u.getPath();
        } catch (URISyntaxException e) {
            // Not a strict URI (an unescaped space, say): read what follows "file:" as a path.
            String rest = ref.substring(5);
            return rest.startsWith("///") ? rest.substring(2) : rest;
        }
    }

    /** The lower-case URI scheme, or null for a plain path (a Windows drive letter is a path, not a scheme). */
    private static String scheme(String r) {
        int colon = r.indexOf(':');
        if (colon < 2) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            char c = r.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!ok) {
                return null;
            }
        }
        return r.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private boolean inside(Path p) {
        for (Path root : roots) {
            if (p.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    private String searched() {
        StringBuilder sb = new StringBuilder();
        for (Path r : roots) {
            sb.append(sb.length() == 0 ? "" : ", ").append(r);
        }
        return sb.toString();
    }

    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }

    static boolean isKey(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }
}

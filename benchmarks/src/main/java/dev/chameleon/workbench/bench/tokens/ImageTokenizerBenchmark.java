package dev.chameleon.workbench.bench.tokens;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.image.ImageLoader;
import dev.chameleon.workbench.trainer.tokens.image.ImagePreprocessing;
import dev.chameleon.workbench.trainer.tokens.image.InvalidImageException;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqTrainer;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Trains a VQ image tokenizer on real photographs and drawings for a fixed time, then measures it on held-out
 * images: PSNR, share of the codebook in use, encode and decode images/s; saves a checkpoint and
 * original|reconstruction PNGs.
 *
 * <p>Data: Debian's python3-skimage sample photographs ({@code /usr/lib/python3/dist-packages/skimage/data})
 * and raster icons and pixmaps ({@code /usr/share/icons}, {@code /usr/share/pixmaps}) as drawings. About 15%
 * of each kind's images are held out by a seeded shuffle; training batches are random 64 px crops of the rest
 * at several scales, with horizontal flips, half photographs and half drawings.
 *
 * <p>Run (installs python3-skimage, builds, trains 5 minutes):
 * <pre>
 *   benchmarks/scripts/bench-image-tokenizer.sh --minutes 5 --out /tmp/vq-bench
 * </pre>
 * or, with a classpath at hand:
 * <pre>
 *   java -Dai.djl.offline=true -jar benchmarks/target/benchmarks.jar image-tokenizer \
 *        --preset small --minutes 5 --batch 16 --lr 5e-4 --out /tmp/vq-bench
 * </pre>
 */
public final class ImageTokenizerBenchmark {

    private static final List<String> PHOTO_DIRS = List.of("/usr/lib/python3/dist-packages/skimage/data");
    private static final List<String> DRAWING_DIRS = List.of("/usr/share/icons", "/usr/share/pixmaps");

    private ImageTokenizerBenchmark() {
    }

    /** One training image, kept at a few scales (short side 1x to 4x the resolution) as planar RGB. */
    private record Pyramid(String name, List<float[]> planes, List<int[]> sizes) {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        VqConfig config = VqConfig.preset(a.getOrDefault("preset", "small"));
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "5"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
        float lr = Float.parseFloat(a.getOrDefault("lr", "5e-4"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        Path out = Path.of(a.getOrDefault("out", "target/vq-bench"));
        Files.createDirectories(out);
        int res = config.resolution();
        Random rnd = new Random(seed);

        List<Path> photoFiles = listImages(PHOTO_DIRS, Integer.MAX_VALUE, rnd);
        List<Path> drawingFiles = listImages(DRAWING_DIRS, Integer.parseInt(a.getOrDefault("max-drawings", "400")), rnd);
        List<BufferedImage> photos = new ArrayList<>();
        List<BufferedImage> drawings = new ArrayList<>();
        List<String> photoNames = new ArrayList<>();
        List<String> drawingNames = new ArrayList<>();
        int refused = load(photoFiles, photos, photoNames, res) + load(drawingFiles, drawings, drawingNames, res);
        if (photos.size() < 4 || drawings.size() < 4) {
            throw new IllegalStateException("need at least 4 photographs and 4 drawings, found " + photos.size()
                    + " and " + drawings.size() + "; run: apt-get install -y python3-skimage");
        }
        int heldPhotos = Math.max(3, photos.size() * 15 / 100);
        int heldDrawings = Math.max(3, drawings.size() * 15 / 100);
        List<BufferedImage> heldOut = new ArrayList<>();
        List<String> heldNames = new ArrayList<>();
        heldOut.addAll(photos.subList(0, heldPhotos));
        heldNames.addAll(photoNames.subList(0, heldPhotos));
        heldOut.addAll(drawings.subList(0, heldDrawings));
        heldNames.addAll(drawingNames.subList(0, heldDrawings));
        List<Pyramid> trainPhotos = pyramids(photos.subList(heldPhotos, photos.size()), res);
        List<Pyramid> trainDrawings = pyramids(drawings.subList(heldDrawings, drawings.size()), res);
        System.out.printf(Locale.ROOT, "data: %d photographs (%d held out), %d drawings (%d held out), %d files"
                        + " refused by ImageLoader%n", photos.size(), heldPhotos, drawings.size(), heldDrawings,
                refused);
        System.out.printf(Locale.ROOT, "held out: %s%n", String.join(", ", heldNames));

        VqTrainer.Options options = new VqTrainer.Options(lr, VqTrainer.Reconstruction.L2, 50, 25, seed, 0);
        Path checkpoint = out.resolve("vq-" + a.getOrDefault("preset", "small") + ".ckpt");
        try (VqTrainer trainer = a.containsKey("resume") ? VqTrainer.resume(Path.of(a.get("resume")), options)
                : VqTrainer.create(config, options)) {
            System.out.printf(Locale.ROOT, "model: %s, %,d parameters, %d codes per image, %d threads%n",
                    config, trainer.parameterCount(), config.codesPerImage(),
                    Runtime.getRuntime().availableProcessors());
            long deadline = System.nanoTime() + (long) (minutes * 60e9);
            long start = System.nanoTime();
            double ms = 0;
            int steps = 0;
            while (System.nanoTime() < deadline) {
                float[] data = new float[batch * 3 * res * res];
                for (int i = 0; i < batch; i++) {
                    List<Pyramid> pool = i % 2 == 0 ? trainPhotos : trainDrawings;
                    crop(pool.get(rnd.nextInt(pool.size())), res, rnd, data, i * 3 * res * res);
                }
                VqTrainer.StepStats s = trainer.step(data, batch);
                ms += s.millis();
                steps++;
                if (s.step() % 25 == 0) {
                    System.out.printf(Locale.ROOT, "step %5d  loss %.4f  rec %.4f  commit %.4f  codebook %.4f  "
                                    + "|g| %.3f  codes used %d/%d  restarted %d  %.0f ms/step%n", s.step(), s.loss(),
                            s.reconstruction(), s.commitment(), s.codebook(), s.gradientNorm(), s.codesInUse(),
                            config.codebookSize(), s.restarted(), ms / steps);
                }
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("data", "skimage sample photographs + /usr/share/icons,/usr/share/pixmaps drawings");
            provenance.put("heldOut", String.join(",", heldNames));
            trainer.save(checkpoint, provenance);
            System.out.printf(Locale.ROOT, "trained %d steps of %d crops in %.0f s (%.1f crops/s); checkpoint %s%n",
                    steps, batch, trainSeconds, steps * batch / trainSeconds, checkpoint);
        }

        try (VqImageTokenizer tok = VqImageTokenizer.load(checkpoint)) {
            evaluate(tok, heldOut, heldNames, heldPhotos, out, rnd);
        }
    }

    private static void evaluate(VqImageTokenizer tok, List<BufferedImage> heldOut, List<String> names,
                                 int photoCount, Path out, Random rnd) throws IOException {
        int res = tok.resolution();
        List<BufferedImage> fitted = new ArrayList<>();
        for (BufferedImage img : heldOut) {
            fitted.add(ImagePreprocessing.fit(img, res, ImageFit.CENTER_CROP));
        }
        // Crops at the native-ish scale as well: many per held-out image, to count codes in use.
        List<BufferedImage> crops = new ArrayList<>();
        for (BufferedImage img : heldOut) {
            Pyramid p = pyramids(List.of(img), res).get(0);
            for (int i = 0; i < 16; i++) {
                float[] t = new float[3 * res * res];
                crop(p, res, rnd, t, 0);
                crops.add(ImagePreprocessing.fromTensor(t, 0, res));
            }
        }
        BitSet used = new BitSet(tok.codebookSize());
        List<int[]> codes = new ArrayList<>();
        for (int i = 0; i < fitted.size(); i += 32) {
            codes.addAll(Arrays.asList(tok.encodeFitted(fitted.subList(i, Math.min(fitted.size(), i + 32)))));
        }
        List<BufferedImage> recon = new ArrayList<>();
        for (int i = 0; i < codes.size(); i += 32) {
            recon.addAll(tok.decodeBatch(codes.subList(i, Math.min(codes.size(), i + 32))));
        }
        double psnrSum = 0;
        double mseSum = 0;
        List<int[]> cropCodes = new ArrayList<>();
        for (int i = 0; i < crops.size(); i += 32) {
            cropCodes.addAll(Arrays.asList(tok.encodeFitted(crops.subList(i, Math.min(crops.size(), i + 32)))));
        }
        List<BufferedImage> cropRecon = new ArrayList<>();
        for (int i = 0; i < cropCodes.size(); i += 32) {
            cropRecon.addAll(tok.decodeBatch(cropCodes.subList(i, Math.min(cropCodes.size(), i + 32))));
        }
        for (int[] c : codes) {
            for (int v : c) {
                used.set(v);
            }
        }
        for (int[] c : cropCodes) {
            for (int v : c) {
                used.set(v);
            }
        }
        for (int i = 0; i < fitted.size(); i++) {
            double mse = mse(fitted.get(i), recon.get(i));
            mseSum += mse;
            psnrSum += psnr(mse);
        }
        for (int kind = 0; kind < 2; kind++) {
            int from = kind == 0 ? 0 : photoCount;
            int to = kind == 0 ? photoCount : fitted.size();
            double sum = 0;
            StringBuilder each = new StringBuilder();
            for (int i = from; i < to; i++) {
                double p = psnr(mse(fitted.get(i), recon.get(i)));
                sum += p;
                if (kind == 0) {
                    each.append(String.format(Locale.ROOT, " %s %.2f", names.get(i), p));
                }
            }
            System.out.printf(Locale.ROOT, "held-out %s (n=%d): mean PSNR %.2f dB%s%n",
                    kind == 0 ? "photographs" : "drawings", to - from, sum / Math.max(1, to - from), each);
        }
        double cropMse = 0;
        for (int i = 0; i < crops.size(); i++) {
            cropMse += mse(crops.get(i), cropRecon.get(i));
        }
        System.out.printf(Locale.ROOT, "held-out whole images (centre-crop to %d px, n=%d): mean PSNR %.2f dB, "
                        + "PSNR of mean MSE %.2f dB%n", res, fitted.size(), psnrSum / fitted.size(),
                psnr(mseSum / fitted.size()));
        System.out.printf(Locale.ROOT, "held-out random crops (n=%d): PSNR of mean MSE %.2f dB%n", crops.size(),
                psnr(cropMse / crops.size()));
        System.out.printf(Locale.ROOT, "codebook in use on held-out images: %d of %d = %.1f%%%n",
                used.cardinality(), tok.codebookSize(), 100.0 * used.cardinality() / tok.codebookSize());

        // Throughput: model only, batches of 32 fitted images; then one image at a time.
        List<BufferedImage> bench = new ArrayList<>();
        while (bench.size() < 256) {
            bench.addAll(crops.subList(0, Math.min(crops.size(), 256 - bench.size())));
        }
        tok.encodeFitted(bench.subList(0, 32));
        long t0 = System.nanoTime();
        List<int[]> benchCodes = new ArrayList<>();
        for (int i = 0; i < bench.size(); i += 32) {
            benchCodes.addAll(Arrays.asList(tok.encodeFitted(bench.subList(i, i + 32))));
        }
        double encodeRate = bench.size() / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int i = 0; i < benchCodes.size(); i += 32) {
            tok.decodeBatch(benchCodes.subList(i, i + 32));
        }
        double decodeRate = benchCodes.size() / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int i = 0; i < 32; i++) {
            tok.decode(tok.encode(heldOut.get(i % heldOut.size()), ImageFit.CENTER_CROP));
        }
        double singleMs = (System.nanoTime() - t0) / 1e6 / 32;
        System.out.printf(Locale.ROOT, "throughput (batch 32, %d threads): encode %.1f images/s, decode %.1f images/s;"
                        + " one full image load-to-PNG-ready round trip %.1f ms%n",
                Runtime.getRuntime().availableProcessors(), encodeRate, decodeRate, singleMs);

        Path samples = out.resolve("samples");
        Files.createDirectories(samples);
        for (int i = 0; i < fitted.size(); i++) {
            String name = names.get(i).replaceFirst("\\.[A-Za-z]+$", "").replaceAll("[^A-Za-z0-9._-]", "_");
            ImageIO.write(sideBySide(fitted.get(i), recon.get(i), 4), "png",
                    samples.resolve(String.format(Locale.ROOT, "%02d-%s.png", i, name)).toFile());
        }
        System.out.printf(Locale.ROOT, "samples (original | reconstruction, 4x nearest): %s%n", samples);
    }

    private static List<Path> listImages(List<String> dirs, int max, Random rnd) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String d : dirs) {
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g|gif|bmp)$"))
                        .filter(p -> !p.toString().contains("truncated")).sorted().forEach(files::add);
            }
        }
        Collections.shuffle(files, rnd);
        return files.size() > max ? new ArrayList<>(files.subList(0, max)) : files;
    }

    /** Loads each file through {@link ImageLoader}; returns how many it refused (with the reason printed). */
    private static int load(List<Path> files, List<BufferedImage> into, List<String> names, int res) {
        int refused = 0;
        ImageLoader.Limits limits = new ImageLoader.Limits(50_000_000L, Math.max(8, res * 3 / 4));
        for (Path f : files) {
            try {
                into.add(ImageLoader.load(f, limits));
                names.add(f.getFileName().toString());
            } catch (IOException | InvalidImageException e) {
                refused++;
                if (refused <= 5) {
                    System.out.println("refused: " + e.getMessage());
                }
            }
        }
        return refused;
    }

    private static List<Pyramid> pyramids(List<BufferedImage> images, int res) {
        List<Pyramid> out = new ArrayList<>();
        for (BufferedImage img : images) {
            int w = img.getWidth();
            int h = img.getHeight();
            int shortSide = Math.min(w, h);
            List<float[]> planes = new ArrayList<>();
            List<int[]> sizes = new ArrayList<>();
            for (double f : new double[] {1, 1.5, 2, 3, 4}) {
                int target = (int) (res * f);
                if (target > shortSide && f > 1) {
                    break;
                }
                double s = (double) target / shortSide;
                int nw = Math.max(res, (int) Math.round(w * s));
                int nh = Math.max(res, (int) Math.round(h * s));
                planes.add(ImagePreprocessing.planes(ImagePreprocessing.resize(img, nw, nh)));
                sizes.add(new int[] {nw, nh});
            }
            out.add(new Pyramid("", planes, sizes));
        }
        return out;
    }

    /** A random {@code res x res} crop of a random scale, maybe mirrored, as CHW floats in [-1, 1]. */
    private static void crop(Pyramid p, int res, Random rnd, float[] dst, int offset) {
        int level = rnd.nextInt(p.planes().size());
        float[] planes = p.planes().get(level);
        int w = p.sizes().get(level)[0];
        int h = p.sizes().get(level)[1];
        int x0 = rnd.nextInt(w - res + 1);
        int y0 = rnd.nextInt(h - res + 1);
        boolean flip = rnd.nextBoolean();
        int n = res * res;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++) {
                    int sx = flip ? x0 + res - 1 - x : x0 + x;
                    dst[offset + c * n + y * res + x] = planes[c * w * h + (y0 + y) * w + sx] / 127.5f - 1f;
                }
            }
        }
    }

    private static double mse(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        double sum = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
                    sum += d * d;
                }
            }
        }
        return sum / (3.0 * w * h);
    }

    private static double psnr(double mse) {
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private static BufferedImage sideBySide(BufferedImage a, BufferedImage b, int zoom) {
        int w = a.getWidth() * zoom;
        int h = a.getHeight() * zoom;
        BufferedImage out = new BufferedImage(2 * w + zoom, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, out.getWidth(), h);
        g.drawImage(a, 0, 0, w, h, null);
        g.drawImage(b, w + zoom, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments are --name value pairs (--preset, --minutes, --batch,"
                        + " --lr, --seed, --out, --max-drawings, --resume); got '" + args[i] + "'");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}

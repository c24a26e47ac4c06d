package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ImageTokenizer} over a trained {@link VqModel}: pre-processing at the edge (see
 * {@link ImagePreprocessing}), codes in raster order. Calls are serialised; each runs in its own sub-manager
 * and scope so native memory stays flat.
 */
public final class VqImageTokenizer implements ImageTokenizer {

    /** The checkpoint file inside an image tokenizer folder. */
    public static final String CHECKPOINT = "image-tokenizer.ckpt";

    private final VqModel model;
    private final NDManager manager;
    private final boolean ownsManager;
    private final ParameterStore store;
    /** Why {@link #decode} is refused, naming the fix; null when the model holds its decoder. */
    private final String noDecoder;

    VqImageTokenizer(VqModel model, NDManager manager, boolean ownsManager) {
        this(model, manager, ownsManager, null);
    }

    VqImageTokenizer(VqModel model, NDManager manager, boolean ownsManager, String noDecoder) {
        if (model.hasDecoder() != (noDecoder == null)) {
            throw new IllegalArgumentException("an encoder-only tokenizer needs the reason it cannot decode, and"
                    + " only such a tokenizer takes one");
        }
        this.model = model;
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.store = new ParameterStore(manager, false);
        this.noDecoder = noDecoder;
    }

    /** The tokenizer saved in {@code checkpoint}. */
    public static VqImageTokenizer load(Path checkpoint) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            return new VqImageTokenizer(VqCheckpoint.load(checkpoint, manager).model(), manager, true);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** An untrained tokenizer with seeded random weights (for shapes and plumbing, not for quality). */
    public static VqImageTokenizer untrained(VqConfig config, long seed) {
        NDManager manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        VqModel model = new VqModel(config);
        model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        return new VqImageTokenizer(model, manager, true);
    }

    public VqConfig config() {
        return model.config();
    }

    VqModel model() {
        return model;
    }

    /** Whether {@link #decode} works: false for a tokenizer loaded without its decoder (encode only). */
    public boolean canDecode() {
        return noDecoder == null;
    }

    @Override
    public int codesPerImage() {
        return model.config().codesPerImage();
    }

    @Override
    public int codebookSize() {
        return model.config().codebookSize();
    }

    @Override
    public int resolution() {
        return model.config().resolution();
    }

    @Override
    public int[] encode(BufferedImage image, ImageFit fit) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        return encodeFitted(List.of(ImagePreprocessing.fit(image, resolution(), fit)))[0];
    }

    @Override
    public int[][] encodeBatch(List<BufferedImage> images, ImageFit fit) {
        List<BufferedImage> fitted = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            if (image == null) {
                throw new IllegalArgumentException("image " + fitted.size() + " of the batch is null");
            }
            fitted.add(ImagePreprocessing.fit(image, resolution(), fit));
        }
        return fitted.isEmpty() ? new int[0][] : encodeFitted(fitted);
    }

    /** Codes for images already brought to {@code resolution x resolution} RGB, one batch. */
    public synchronized int[][] encodeFitted(List<BufferedImage> fitted) {
        int r = resolution();
        int per = 3 * r * r;
        float[] data = new float[fitted.size() * per];
        for (int i = 0; i < fitted.size(); i++) {
            BufferedImage img = fitted.get(i);
            if (img.getWidth() != r || img.getHeight() != r) {
                throw new IllegalArgumentException("image " + i + " is " + img.getWidth() + "x" + img.getHeight()
                        + ", expected " + r + "x" + r + "; use encode(image, fit) to resize it");
            }
            ImagePreprocessing.toTensor(ImagePreprocessing.toRgbOnWhite(img), data, i * per);
        }
        long[] codes;
        try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray x = sub.create(data, new Shape(fitted.size(), 3, r, r));        // (B, 3, R, R)
            codes = model.encode(store, x).toLongArray();                            // (B * g * g)
        }
        int n = codesPerImage();
        int[][] out = new int[fitted.size()][n];
        for (int i = 0; i < codes.length; i++) {
            out[i / n][i % n] = (int) codes[i];
        }
        return out;
    }

    @Override
    public BufferedImage decode(int[] codes) {
        return decodeBatch(List.of(codes)).get(0);
    }

    /**
     * Images for several code sequences, one batch.
     *
     * @throws UnsupportedOperationException when this tokenizer was loaded without its decoder; the message
     *                                       says where a decoder comes from
     */
    public synchronized List<BufferedImage> decodeBatch(List<int[]> codes) {
        if (noDecoder != null) {
            throw new UnsupportedOperationException(noDecoder);
        }
        int n = codesPerImage();
        long[] flat = new long[codes.size() * n];
        for (int i = 0; i < codes.size(); i++) {
            int[] c = codes.get(i);
            if (c == null || c.length != n) {
                throw new IllegalArgumentException("code sequence " + i + " has " + (c == null ? 0 : c.length)
                        + " codes, expected exactly " + n + "; pad a partial image before decoding");
            }
            for (int j = 0; j < n; j++) {
                if (c[j] < 0 || c[j] >= codebookSize()) {
                    throw new IllegalArgumentException("code " + c[j] + " at position " + j + " of sequence " + i
                            + " is outside the codebook [0, " + codebookSize() + ")");
                }
                flat[i * n + j] = c[j];
            }
        }
        int r = resolution();
        float[] pixels;
        try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray idx = sub.create(flat, new Shape(codes.size(), n));              // (B, g*g)
            pixels = model.decode(store, idx).toFloatArray();                        // (B, 3, R, R)
        }
        List<BufferedImage> out = new ArrayList<>(codes.size());
        for (int i = 0; i < codes.size(); i++) {
            out.add(ImagePreprocessing.fromTensor(pixels, i * 3 * r * r, r));
        }
        return out;
    }

    /** PNG bytes of {@link #decode(int[])}. */
    public byte[] decodePng(int[] codes) {
        return ImagePreprocessing.toPng(decode(codes));
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}

package dev.chameleon.workbench.web.generation;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.trainer.train.AdamW;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real checkpoint of a tiny, randomly initialised model (synthetic, generated here), written in the layout the
 * trainer writes (RUN/checkpoints/step-N with provenance.json, RUN/tokenizers/ copies), with stand-in tokenizers:
 * one token per byte, and an image tokenizer whose codes are grey levels. As the sft-trainer's own generation
 * fixtures do; the model says nothing sensible, but it loads, decodes and streams like a trained one.
 */
final class TinyModel {

    static final int CODEBOOK = 16;
    /** Codes per image: an 8 x 8 picture. */
    static final int CODES = 64;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private TinyModel() {
    }

    /** Opens the stand-in tokenizers for any tokenizer file. */
    static TokenizerLoader loader() {
        return new TokenizerLoader() {
            @Override
            public TextTokenizer text(Path file) {
                return ByteTokenizer.smallest(CODEBOOK, 4);
            }

            @Override
            public ImageTokenizer image(Path file) {
                return new Greys();
            }
        };
    }

    /** {@code workspace/runs/RUN/checkpoints/step-00000003}, the model initialised from {@code seed}. */
    static Path writeRun(Path workspace, String run, long seed) throws Exception {
        Path dir = workspace.resolve("runs").resolve(run);
        Path tokenizers = Files.createDirectories(dir.resolve("tokenizers/image"));
        Path text = Files.writeString(dir.resolve("tokenizers/tokenizer.json"), "{\"stand-in\": \"bytes\"}");
        Path image = Files.writeString(tokenizers.resolve("image-tokenizer.ckpt"), "stand-in greys");
        ModelConfig model = ModelConfig.of(ByteTokenizer.smallest(CODEBOOK, 4).layout().size(), 32, 2, 4, 2, 64, 256);
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("text_tokenizer", text.toString());
        train.put("image_tokenizer", image.getParent().toString());
        train.put("out_dir", dir.toString());
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("train", train);
        resolved.put("model", model);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("step", 3);
        provenance.put("tokenizers", Map.of("text:tokenizer.json", sha256(text),
                "image:image-tokenizer.ckpt", sha256(image)));
        provenance.put("resolved_config", YAML.writeValueAsString(resolved));
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            ChameleonModel net = new ChameleonModel(model);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            AdamW opt = new AdamW(net.getParameters(), m, 0.9, 0.95, 1e-5, 0.1, false);
            return Checkpoint.write(dir, 3, net.getParameters(), opt::save,
                    new ObjectMapper().writeValueAsString(provenance), 1);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** 8 x 8 pictures, one grey level per code. */
    static final class Greys implements ImageTokenizer {
        @Override
        public int codesPerImage() {
            return CODES;
        }

        @Override
        public int codebookSize() {
            return CODEBOOK;
        }

        @Override
        public int resolution() {
            return 8;
        }

        @Override
        public int[] encode(BufferedImage image, ImageFit fit) {
            int[] codes = new int[CODES];
            for (int i = 0; i < CODES; i++) {
                int x = (i % 8) * image.getWidth() / 8;
                int y = (i / 8) * image.getHeight() / 8;
                codes[i] = (image.getRGB(x, y) & 0xff) * CODEBOOK / 256;
            }
            return codes;
        }

        @Override
        public BufferedImage decode(int[] codes) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < CODES; i++) {
                int g = codes[i] * 255 / (CODEBOOK - 1);
                img.setRGB(i % 8, i / 8, (g << 16) | (g << 8) | g);
            }
            return img;
        }

        @Override
        public void close() {
        }
    }
}

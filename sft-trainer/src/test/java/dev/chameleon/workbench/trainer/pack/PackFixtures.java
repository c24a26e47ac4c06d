package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.tokens.ImageFit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/** Random rendered examples shaped like the renderer's output, with token ids that say where they came from. */
final class PackFixtures {

    private PackFixtures() {
    }

    /** Token id of position {@code pos} of example {@code ex}: unique, so a test can trace every token. */
    static int tokenId(int ex, int pos) {
        return ex * 10_000 + pos + 1;
    }

    /**
     * {@code n} examples of 1 to {@code maxTurns} turns with 1 to {@code maxText} text tokens each, and with
     * probability 1/3 an image block of {@code 2 + codes} tokens in a turn.
     */
    static List<RenderedExample> random(long seed, int n, int maxTurns, int maxText, int codes) {
        Random r = new Random(seed);
        List<RenderedExample> out = new ArrayList<>(n);
        Category[] cats = Category.values();
        for (int e = 0; e < n; e++) {
            int turns = 1 + r.nextInt(maxTurns);
            int cap = 1 + turns * (3 + maxText + 2 + codes);
            int[] tok = new int[cap];
            boolean[] loss = new boolean[cap];
            byte[] mod = new byte[cap];
            List<RenderedExample.Span> spans = new ArrayList<>();
            List<RenderedExample.ImageBlock> images = new ArrayList<>();
            int at = 0;
            mod[at++] = Modality.SPECIAL.code();
            for (int t = 0; t < turns; t++) {
                Role role = t % 2 == 0 ? Role.USER : Role.ASSISTANT;
                boolean answer = role == Role.ASSISTANT;
                int start = at;
                mod[at++] = Modality.TEXT.code();
                mod[at++] = Modality.TEXT.code();
                int contentStart = at;
                int text = 1 + r.nextInt(maxText);
                int imageAfter = r.nextInt(3) == 0 ? r.nextInt(text + 1) : -1;
                for (int i = 0; i <= text; i++) {
                    if (i == imageAfter) {
                        int s = at;
                        mod[at] = Modality.SPECIAL.code();
                        loss[at++] = answer;
                        for (int c = 0; c < codes; c++) {
                            mod[at] = Modality.IMAGE.code();
                            loss[at++] = answer;
                        }
                        mod[at] = Modality.SPECIAL.code();
                        loss[at++] = answer;
                        images.add(new RenderedExample.ImageBlock(t, "sha" + e + "_" + t, ImageFit.PAD, s, at));
                    }
                    if (i < text) {
                        mod[at] = Modality.TEXT.code();
                        loss[at++] = answer;
                    }
                }
                mod[at] = Modality.SPECIAL.code();
                loss[at++] = answer;
                spans.add(new RenderedExample.Span(t, role, start, contentStart, at));
            }
            for (int i = 0; i < at; i++) {
                tok[i] = tokenId(e, i);
            }
            out.add(new RenderedExample(cats[r.nextInt(cats.length)], false, Arrays.copyOf(tok, at),
                    Arrays.copyOf(loss, at), Arrays.copyOf(mod, at), List.copyOf(spans), List.copyOf(images)));
        }
        return out;
    }

    static List<PackItem> items(List<RenderedExample> examples) {
        List<PackItem> items = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            items.add(PackItem.of(i, examples.get(i)));
        }
        return items;
    }

    /** Text items of random lengths in [1, maxLength], ids 0..n-1. */
    static List<PackItem> randomLengths(long seed, int n, int maxLength) {
        Random r = new Random(seed);
        List<PackItem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(PackItem.text(i, 1 + r.nextInt(maxLength), Category.TEXT));
        }
        return out;
    }

    /**
     * The packing benchmark's synthetic mix (a copy of {@code benchmarks}' PackingBenchmark.generate, seeded): 60%
     * short text, 20% long text with a prompt cut, 15% one 1026-token image block with 10 to 200 text tokens, 5%
     * two image blocks.
     */
    static List<PackItem> benchmarkMix(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PackItem> out = new ArrayList<>(n);
        int[] none = new int[0];
        for (int i = 0; i < n; i++) {
            int u = r.nextInt(100);
            if (u < 60) {
                out.add(PackItem.text(i, r.nextInt(20, 301), u < 45 ? Category.TEXT : Category.CODE));
            } else if (u < 80) {
                int len = r.nextInt(300, 3001);
                int q = r.nextInt(10, len - 10);
                out.add(new PackItem(i, len, u < 75 ? Category.TEXT : Category.SAFETY, new int[]{q, len}, none));
            } else if (u < 95) {
                int text = r.nextInt(10, 201);
                int imageAt = 1 + r.nextInt(text);
                out.add(new PackItem(i, text + 1026, Category.VISUAL_CHAT, new int[]{text + 1026},
                        new int[]{imageAt, imageAt + 1026}));
            } else {
                int text = r.nextInt(10, 201);
                out.add(new PackItem(i, text + 2052, Category.INTERLEAVED_GENERATION, new int[]{text + 2052},
                        new int[]{1, 1027, 1027 + text / 2, 2053 + text / 2}));
            }
        }
        return out;
    }
}

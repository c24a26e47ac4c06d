package dev.chameleon.workbench.trainer.tokens.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loads a small hand-written tokenizer.json shaped like the released Chameleon one: image codes as IMGIMG
 * tokens right after the four specials, end-image before begin-image, end-of-turn among reserved ids, and
 * byte tokens in GPT-2 character order rather than byte order.
 */
@Tag("unit")
class BpeChameleonJsonTest {

    static final int CODES = 20;

    @TempDir
    Path dir;

    /** Builds the fixture; {@code mutate} may edit the vocabulary before it is written. */
    static String chameleonStyle(java.util.function.Consumer<Map<String, Integer>> mutate) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> special = new ArrayList<>(List.of("<s>", "<pad>", "</s>", "<unk>"));
        for (int c = 0; c < CODES; c++) {
            special.add("IMGIMG" + letters(c) + "Z");
        }
        special.addAll(List.of("<eoss>", "<racm3:break>", "<reserved00022>", "<reserved00023>", "<reserved08706>"));
        for (String s : special) {
            vocab.put(s, vocab.size());
        }
        List<Character> chars = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            chars.add(ByteLevel.BYTE_TO_CHAR[b]);
        }
        chars.sort(null);
        for (char c : chars) {
            vocab.put(String.valueOf(c), vocab.size());
        }
        String[][] merges = {{"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}, {"i", "n"}, {"Ġ", "in"}};
        for (String[] m : merges) {
            vocab.put(m[0] + m[1], vocab.size());
        }
        mutate.accept(vocab);
        StringBuilder sb = new StringBuilder("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[");
        for (int i = 0; i < special.size(); i++) {
            Integer id = vocab.get(special.get(i));
            if (id == null) {
                continue;
            }
            sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ",").append("{\"id\":").append(id).append(",\"content\":\"")
                    .append(special.get(i)).append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,")
                    .append("\"normalized\":false,\"special\":true}");
        }
        sb.append("],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,")
                .append("\"trim_offsets\":true,\"use_regex\":true},\"post_processor\":null,")
                .append("\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},")
                .append("\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":null,")
                .append("\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,\"vocab\":{");
        boolean first = true;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            sb.append(first ? "" : ",").append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\":").append(e.getValue());
            first = false;
        }
        sb.append("},\"merges\":[");
        for (int i = 0; i < merges.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(merges[i][0]).append(' ').append(merges[i][1]).append('"');
        }
        return sb.append("]}}").toString();
    }

    static String letters(int code) {
        StringBuilder sb = new StringBuilder();
        for (char d : Integer.toString(code).toCharArray()) {
            sb.append((char) ('A' + d - '0'));
        }
        return sb.toString();
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void imageNamesFollowTheLetterRule() {
        assertThat(TokenizerJson.imageName(0)).isEqualTo("IMGIMGAZ");
        assertThat(TokenizerJson.imageName(42)).isEqualTo("IMGIMGECZ");
        assertThat(TokenizerJson.imageName(8191)).isEqualTo("IMGIMGIBJBZ");
        assertThat(TokenizerJson.imageCode("IMGIMGIBJBZ")).isEqualTo(8191);
        assertThat(TokenizerJson.imageCode("IMGIMGZ")).isEqualTo(-1);
        assertThat(TokenizerJson.imageCode("IMGIMGAKZ")).isEqualTo(-1);
        assertThat(TokenizerJson.imageCode("Ġthe")).isEqualTo(-1);
    }

    @Test
    void loadsTheLayoutAndImageCodesFromIMGIMGTokens() throws Exception {
        BpeTokenizer tok = BpeTokenizer.load(write(chameleonStyle(v -> { })));
        VocabularyLayout layout = tok.layout();
        assertThat(layout).isEqualTo(new VocabularyLayout(0, 1, 2, 3, 4, CODES, 25, 24, 28, 29, 29 + 256 + 5));
        assertThat(layout.imageToken(12)).isEqualTo(16);
        assertThat(tok.tokenName(16)).isEqualTo("IMG12");
        assertThat(tok.tokenName(25)).isEqualTo("<racm3:break>");
        assertThat(tok.isText(16)).isFalse();

        int the = layout.size() - 3;
        assertThat(tok.tokenName(the)).isEqualTo("Ġthe");
        assertThat(tok.encode(" the")).containsExactly(the);
        String text = "in the inn, the thing";
        assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
        assertThat(tok.decode(new int[] {0, 25, 16, 24, the, 2})).isEqualTo(" the");
    }

    @Test
    void djlAgreesOnTheChameleonStyleFile() throws Exception {
        Path file = write(chameleonStyle(v -> { }));
        BpeTokenizer tok = BpeTokenizer.load(file);
        try (HuggingFaceTokenizer djl = BpeDjlCompatibilityTest.djl(file)) {
            for (String text : List.of("in the inn, the thing", " the", "日本 😀 it's", "IMG 12")) {
                assertThat(tok.encode(text)).isEqualTo(BpeDjlCompatibilityTest.djlIds(djl, text));
            }
            assertThat(BpeDjlCompatibilityTest.djlIds(djl, "IMGIMGBCZ")).containsExactly(16);
        }
    }

    @Test
    void aGapInTheImageBlockIsRejectedWithTheReason() throws Exception {
        Path file = write(chameleonStyle(v -> v.put("IMGIMGFZ", 300)));
        assertThatThrownBy(() -> BpeTokenizer.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("IMGIMGFZ").hasMessageContaining("contiguous");
    }

    @Test
    void aMissingSpecialIsNamed() throws Exception {
        Path file = write(chameleonStyle(v -> v.remove("<eoss>")));
        assertThatThrownBy(() -> BpeTokenizer.load(file)).isInstanceOf(IOException.class).hasMessageContaining("<eoss>");
    }

    @Test
    void anUnsupportedPreTokenizerIsRejectedWithTheSupportedOne() throws Exception {
        Path file = write(chameleonStyle(v -> { }).replace("\"use_regex\":true},\"post", "\"use_regex\":false},\"post"));
        assertThatThrownBy(() -> BpeTokenizer.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("use_regex\": true");
    }
}

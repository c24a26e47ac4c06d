package dev.chameleon.workbench.trainer.hf.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class SafeUnpicklerTest {

    private static Object load(String fixture) throws IOException {
        Path p = Fixtures.path(fixture);
        return SafeUnpickler.load(Files.readAllBytes(p), p.getFileName().toString());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void osSystemInReduceIsRefusedAtItsGlobalBeforeAnythingIsCalled() throws IOException {
        // pickle.dumps of a class whose __reduce__ returns (os.system, ("echo pwned",)): GLOBAL 'posix system' at
        // byte 2, then the argument tuple, then REDUCE. The reader stops at the lookup, so no call is ever reached.
        byte[] data = Files.readAllBytes(Fixtures.path("evil_os_system.pkl"));
        assertThat(new String(data, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("echo pwned");

        assertThatThrownBy(() -> SafeUnpickler.load(data, "evil_os_system.pkl"))
                .isInstanceOf(UnsafePickleException.class)
                .hasMessageContaining("evil_os_system.pkl, byte 2: global posix.system (GLOBAL)")
                .hasMessageContaining("may run code")
                .satisfies(e -> {
                    UnsafePickleException u = (UnsafePickleException) e;
                    assertThat(u.offset()).isEqualTo(2);
                    assertThat(u.source()).isEqualTo("evil_os_system.pkl");
                    assertThat(u.refused()).isEqualTo("global posix.system (GLOBAL)");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "evil_eval_p4.pkl          | global builtins.eval (STACK_GLOBAL)",
        "evil_popen.pkl            | global subprocess.Popen (GLOBAL)",
        "evil_newobj_class.pkl     | global __main__.Plain (GLOBAL)",
        "evil_inst.pkl             | opcode INST (0x69), which creates an object of a class",
        "evil_obj.pkl              | opcode OBJ (0x6f), which creates an object of a class",
        "evil_newobj.pkl           | opcode NEWOBJ (0x81), which creates an object of a class",
        "evil_reduce_storage.pkl   | REDUCE calling torch.FloatStorage",
    })
    void codeRunningPicklesAreRefusedNamingWhatTheyAskFor(String fixture, String refused) {
        assertThatThrownBy(() -> load(fixture))
                .isInstanceOf(UnsafePickleException.class)
                .hasMessageStartingWith(fixture + ", byte ")
                .hasMessageContaining(refused)
                .hasMessageContaining("loading this pickle in Python may run code");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain_p2.pkl", "plain_p5.pkl"})
    void plainDataReadsInProtocolsTwoAndFive(String fixture) throws IOException {
        Map<?, ?> root = (Map<?, ?>) load(fixture);

        assertThat(list(root.get("ints"))).containsExactly(0L, 1L, -1L, 255L, 256L, 65535L, 65536L,
                -2_147_483_648L, 2_147_483_648L, Long.MAX_VALUE, BigInteger.TWO.pow(70),
                BigInteger.TWO.pow(70).negate());
        assertThat(list(root.get("floats"))).containsExactly(1.5, -0.0, 1e300);
        assertThat(list(root.get("flags"))).containsExactly(true, false, null);
        assertThat(root.get("text")).isEqualTo("grüße ✓");
        assertThat((byte[]) root.get("bytes")).containsExactly(0, 1, 0xff);
        List<Object> empty = list(root.get("empty"));
        assertThat((byte[]) empty.get(0)).isEmpty();
        assertThat(empty.subList(1, 5)).containsExactly("", List.of(), List.of(), Map.of());
        List<?> shared = (List<?>) root.get("shared");
        assertThat(shared.get(0)).isSameAs(shared.get(1)).isEqualTo(List.of(1L, 2L));
        assertThat(root.get("nested")).isEqualTo(Map.of("a", Map.of("b", List.of(List.of("c", 3L)))));
        assertThat(root.get(7L)).isEqualTo("int key");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "malformed_deep.pkl        | nesting depth exceeds the limit of 100",
        "malformed_cycle.pkl       | contains itself (a cycle)",
        "malformed_truncated.pkl   | the file is truncated or damaged",
        "malformed_huge_string.pkl | a length of 2147483647 bytes runs past the end of the pickle",
    })
    void damagedOrExhaustingPicklesFailWithTheirPlace(String fixture, String message) {
        assertThatThrownBy(() -> load(fixture))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(UnsafePickleException.class)
                .hasMessageStartingWith(fixture + ", byte ")
                .hasMessageContaining(message);
    }

    @Test
    void aStreamWithoutProtocolHeaderIsNotRead() {
        assertThatThrownBy(() -> SafeUnpickler.load("(lp0\n.".getBytes(), "old.pkl"))
                .hasMessageContaining("old.pkl, byte 0: the pickle does not start with a PROTO opcode");
    }
}

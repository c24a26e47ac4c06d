package dev.chameleon.workbench.trainer.hf.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle machine that builds plain state-dict structures and tensors, and never calls anything.
 *
 * <p>Python's pickle format is a small stack program, and two of its instructions, GLOBAL (look up any function
 * by name) and REDUCE (call it), let a file run any code when Python loads it: a class whose {@code __reduce__}
 * returns {@code (os.system, ("echo pwned",))} pickles into exactly those two opcodes. This reader runs the data
 * opcodes of protocols 2 to 5 and accepts a global only from a short list, each of which it carries out itself:
 *
 * <pre>
 *   collections.OrderedDict                  -> an empty LinkedHashMap (REDUCE with no arguments)
 *   torch._utils._rebuild_tensor_v2          -> a TorchTensor (storage, offset, size, stride, requires_grad, hooks)
 *   torch._utils._rebuild_parameter          -> the tensor it wraps
 *   torch._utils._rebuild_parameter_with_state -> the tensor it wraps (state must be empty)
 *   _codecs.encode / builtins.bytes          -> bytes, as protocol 2 writes them (latin-1 only)
 *   torch.FloatStorage, torch.HalfStorage... -> a storage type, only inside a persistent id
 *   torch.float32, torch.float16...          -> a TorchDtype value
 * </pre>
 *
 * A storage arrives as a persistent id, {@code ('storage', torch.FloatStorage, key, location, numel)}; its bytes
 * stay in the zip until asked for. BUILD is accepted only on an OrderedDict whose state is a dict of attributes
 * (a module's {@code state_dict()} carries {@code _metadata} that way); the attributes are dropped. Everything
 * else (INST, OBJ, NEWOBJ, EXT, any other global, a REDUCE on anything not listed) is refused with an
 * {@link UnsafePickleException} naming the byte offset and what was asked for.
 *
 * <p>The result uses {@link LinkedHashMap} for dicts, {@link ArrayList} for lists, unmodifiable lists for tuples,
 * {@link String}, {@code byte[]}, {@link Long} (or {@link BigInteger} past 64 bits), {@link Double},
 * {@link Boolean}, null, {@link TorchTensor} and {@link TorchDtype}. Sizes are bounded: lengths must lie within
 * the data, and the stack, memo, marks and nesting depth have fixed limits; cycles are refused.
 */
final class SafeUnpickler {

    static final int MAX_STACK = 1_000_000;
    static final int MAX_MEMO = 1_000_000;
    static final int MAX_MARKS = 1_000;
    static final int MAX_DEPTH = 100;
    static final int MAX_LONG_BYTES = 1_024;
    static final int MAX_LINE = 1_024;

    /** A storage named by a persistent id: {@code ('storage', storage type, key, location, numel)}. */
    record StorageRef(TorchDtype dtype, String key, String location, long numel) {
    }

    /** The allow-listed callables; REDUCE runs the Java counterpart, never Python. */
    private enum Call {
        ORDERED_DICT("collections.OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state"),
        CODECS_ENCODE("_codecs.encode"),
        BYTES("builtins.bytes");

        final String global;

        Call(String global) {
            this.global = global;
        }
    }

    /** A legacy storage class such as {@code torch.FloatStorage}; only a persistent id may use it. */
    private record StorageType(TorchDtype dtype) {
    }

    private static final Map<String, Object> GLOBALS = allowedGlobals();
    private static final String[] OPCODE_NAMES = opcodeNames();

    private final byte[] data;
    private final String source;
    private int pos;
    private int opStart;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final int[] marks = new int[MAX_MARKS];
    private int markCount;
    private final HashMap<Long, Object> memo = new HashMap<>();
    private final Set<Object> orderedDicts = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, StorageRef> storages = new HashMap<>();

    private SafeUnpickler(byte[] data, String source) {
        this.data = data;
        this.source = source;
    }

    /**
     * Reads one pickle.
     *
     * @param data   the whole pickle
     * @param source where it came from, for messages (file and entry)
     * @throws UnsafePickleException when the pickle asks for anything but data and tensors
     * @throws IOException           when it is truncated, malformed or beyond the size limits
     */
    static Object load(byte[] data, String source) throws IOException {
        SafeUnpickler u = new SafeUnpickler(data, source);
        Object root = u.run();
        u.height(root, 0, new IdentityHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
        return root;
    }

    private Object run() throws IOException {
        if (data.length == 0 || (data[0] & 0xff) != 0x80) {
            throw malformed("the pickle does not start with a PROTO opcode; only protocols 2 to 5 are read"
                    + " (torch.save writes 2)");
        }
        while (true) {
            opStart = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u8();
                    if (p < 2 || p > 5) {
                        throw malformed("pickle protocol " + p + "; only protocols 2 to 5 are read");
                    }
                }
                case 0x95 -> need(u64()); // FRAME: a length hint; the data must hold it
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> { // MARK
                    if (markCount == MAX_MARKS) {
                        throw limit("MARK nesting", MAX_MARKS);
                    }
                    marks[markCount++] = stack.size();
                }
                case '0' -> { // POP
                    if (stack.size() > frameBottom()) {
                        stack.remove(stack.size() - 1);
                    } else {
                        popMark();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
                case 0x8a -> push(longOf(u8())); // LONG1
                case 0x8b -> { // LONG4
                    long n = u32();
                    if (n > MAX_LONG_BYTES) {
                        throw limit("an integer of " + n + " bytes", MAX_LONG_BYTES);
                    }
                    push(longOf((int) n));
                }
                case 'G' -> push(Double.longBitsToDouble(i64be())); // BINFLOAT
                case 0x8c -> push(text(u8(), StandardCharsets.UTF_8)); // SHORT_BINUNICODE
                case 'X' -> push(text(u32(), StandardCharsets.UTF_8)); // BINUNICODE
                case 0x8d -> push(text(u64(), StandardCharsets.UTF_8)); // BINUNICODE8
                case 'U' -> push(text(u8(), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING (Python 2 str)
                case 'T' -> push(text(i32(), StandardCharsets.ISO_8859_1)); // BINSTRING (Python 2 str)
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 'B' -> push(bytes(u32())); // BINBYTES
                case 0x8e, 0x96 -> push(bytes(u64())); // BINBYTES8, BYTEARRAY8
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
                case 'd' -> { // DICT
                    Map<Object, Object> dict = new LinkedHashMap<>();
                    putAll(dict, popMark());
                    push(dict);
                }
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 't' -> push(tuple(popMark())); // TUPLE
                case 0x85 -> push(tupleOf(pop())); // TUPLE1
                case 0x86 -> { // TUPLE2
                    Object b = pop();
                    Object a = pop();
                    push(tupleOf(a, b));
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tupleOf(a, b, c));
                }
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    dict(peek()).put(key(k), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putAll(dict(peek()), items);
                }
                case 'p' -> memoPut(number(line())); // PUT
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'g' -> push(memoGet(number(line()))); // GET
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                case 'c' -> { // GLOBAL
                    String module = line();
                    String name = line();
                    push(global(module, name, "GLOBAL"));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw malformed("STACK_GLOBAL needs two strings, found " + kind(module) + " and " + kind(name));
                    }
                    push(global(m, n, "STACK_GLOBAL"));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(peek(), state);
                }
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'P' -> push(persistent(line())); // PERSID
                default -> throw refusedOpcode(op);
            }
        }
    }

    // ---- the allow-listed globals and what REDUCE, BUILD and persistent ids may do with them

    private Object global(String module, String name, String opcode) throws UnsafePickleException {
        Object g = GLOBALS.get(module + "." + name);
        if (g == null) {
            throw new UnsafePickleException(source, opStart, "global " + module + "." + name + " (" + opcode + ")");
        }
        return g;
    }

    private Object reduce(Object callable, Object argsObject) throws IOException {
        if (!(callable instanceof Call call)) {
            throw new UnsafePickleException(source, opStart, "REDUCE calling " + kind(callable));
        }
        List<Object> args = tupleArgs(argsObject, call);
        switch (call) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw malformed("collections.OrderedDict with arguments; pickles create it empty and fill it");
                }
                Map<Object, Object> dict = new LinkedHashMap<>();
                orderedDicts.add(dict);
                return dict;
            }
            case REBUILD_TENSOR_V2 -> {
                return rebuildTensor(args);
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                int expected = call == Call.REBUILD_PARAMETER ? 3 : 4;
                if (args.size() != expected || !(args.get(0) instanceof TorchTensor tensor)
                        || !(args.get(1) instanceof Boolean) || !isEmptyDict(args.get(2))
                        || (expected == 4 && args.get(3) != null && !isEmptyDict(args.get(3)))) {
                    throw malformed(call.global + " needs (tensor, requires_grad, empty hooks"
                            + (expected == 4 ? ", empty state)" : ")"));
                }
                return tensor;
            }
            case CODECS_ENCODE -> {
                if (args.size() != 2 || !(args.get(0) instanceof String s) || !(args.get(1) instanceof String enc)
                        || !(enc.equals("latin1") || enc.equals("latin-1"))) {
                    throw malformed("_codecs.encode is read only as (str, 'latin1'), the way protocol 2 writes bytes");
                }
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
            case BYTES -> {
                if (!args.isEmpty()) {
                    throw malformed("builtins.bytes is read only without arguments, the way protocol 2 writes b''");
                }
                return new byte[0];
            }
        }
        throw new AssertionError(call);
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TorchTensor rebuildTensor(List<Object> args) throws IOException {
        if (args.size() < 6 || args.size() > 7 || !(args.get(0) instanceof StorageRef storage)
                || !(args.get(1) instanceof Long offset) || !(args.get(4) instanceof Boolean)
                || !isEmptyDict(args.get(5)) || (args.size() == 7 && args.get(6) != null
                        && !(args.get(6) instanceof Map))) {
            throw malformed("torch._utils._rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad,"
                    + " empty backward hooks[, metadata])");
        }
        long[] shape = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (shape.length != stride.length) {
            throw malformed("a tensor's size has " + shape.length + " dimensions and its stride " + stride.length);
        }
        try {
            long numel = 1;
            long last = offset;
            for (int i = 0; i < shape.length; i++) {
                numel = Math.multiplyExact(numel, shape[i]);
                if (shape[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
            if (offset < 0 || (numel > 0 && last >= storage.numel())) {
                throw malformed("a tensor reaches element " + last + " of storage " + storage.key() + ", which has "
                        + storage.numel() + " elements");
            }
        } catch (ArithmeticException e) {
            throw malformed("a tensor's size and stride overflow 64 bits");
        }
        return new TorchTensor(null, storage.dtype(), shape, stride, offset, storage.key(), storage.numel());
    }

    private Object persistent(Object pid) throws IOException {
        if (!(isTuple(pid)) || ((List<?>) pid).size() != 5) {
            throw malformed("a persistent id that is not ('storage', type, key, location, numel): " + kind(pid));
        }
        List<?> t = (List<?>) pid;
        if (!"storage".equals(t.get(0)) || !(t.get(1) instanceof StorageType type) || !(t.get(2) instanceof String key)
                || !(t.get(3) instanceof String location) || !(t.get(4) instanceof Long numel) || numel < 0
                || !key.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw malformed("a persistent id that is not ('storage', torch.<Type>Storage, key, location, numel)");
        }
        StorageRef ref = new StorageRef(type.dtype(), key, location, numel);
        StorageRef earlier = storages.putIfAbsent(key, ref);
        if (earlier != null && (earlier.dtype() != ref.dtype() || earlier.numel() != ref.numel())) {
            throw malformed("storage " + key + " is named twice with different types or sizes");
        }
        return ref;
    }

    private void build(Object target, Object state) throws UnsafePickleException {
        boolean attributes = state == null || (state instanceof Map<?, ?> m
                && m.keySet().stream().allMatch(k -> k instanceof String));
        if (!orderedDicts.contains(target) || !attributes) {
            throw new UnsafePickleException(source, opStart, "BUILD on " + kind(target)
                    + " (only an OrderedDict's attributes are accepted)");
        }
    }

    private List<Object> tupleArgs(Object args, Call call) throws IOException {
        if (!isTuple(args)) {
            throw malformed("REDUCE of " + call.global + " with " + kind(args) + " instead of an argument tuple");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) args;
        return list;
    }

    private long[] longs(Object tuple, String what) throws IOException {
        if (!isTuple(tuple)) {
            throw malformed("a tensor's " + what + " is " + kind(tuple) + ", not a tuple");
        }
        List<?> items = (List<?>) tuple;
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v) || v < 0) {
                throw malformed("a tensor's " + what + " holds " + kind(items.get(i)) + ", not a non-negative int");
            }
            out[i] = v;
        }
        return out;
    }

    private static boolean isEmptyDict(Object o) {
        return o instanceof Map<?, ?> m && m.isEmpty();
    }

    // ---- stack, marks and memo

    private int frameBottom() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void push(Object o) throws IOException {
        if (stack.size() >= MAX_STACK) {
            throw limit("the stack", MAX_STACK);
        }
        stack.add(o);
    }

    private Object pop() throws IOException {
        if (stack.size() <= frameBottom()) {
            throw malformed("the stack is empty");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws IOException {
        if (stack.size() <= frameBottom()) {
            throw malformed("the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws IOException {
        if (markCount == 0) {
            throw malformed("no MARK to return to");
        }
        int bottom = marks[--markCount];
        List<Object> top = stack.subList(bottom, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void memoPut(long index) throws IOException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw limit("the memo", MAX_MEMO);
        }
        memo.put(index, peek());
    }

    private Object memoGet(long index) throws IOException {
        if (!memo.containsKey(index)) {
            throw malformed("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    // ---- containers

    private static boolean isTuple(Object o) {
        return o instanceof List && !(o instanceof ArrayList);
    }

    private static List<Object> tupleOf(Object... items) {
        return Collections.unmodifiableList(new ArrayList<>(java.util.Arrays.asList(items)));
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    private List<Object> list(Object o) throws IOException {
        if (!(o instanceof ArrayList)) {
            throw malformed("APPEND to " + kind(o) + ", not a list");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) o;
        return list;
    }

    private Map<Object, Object> dict(Object o) throws IOException {
        if (!(o instanceof LinkedHashMap)) {
            throw malformed("SETITEM on " + kind(o) + ", not a dict");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> dict = (Map<Object, Object>) o;
        return dict;
    }

    private void putAll(Map<Object, Object> dict, List<Object> items) throws IOException {
        if (items.size() % 2 != 0) {
            throw malformed("an odd number of items (" + items.size() + ") for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(key(items.get(i)), items.get(i + 1));
        }
    }

    /** Dict keys are scalars: hashing them can neither recurse nor depend on identity. */
    private Object key(Object k) throws IOException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double
                || k instanceof Boolean || k instanceof TorchDtype) {
            return k;
        }
        throw malformed("a dict key of type " + kind(k) + "; state dicts use string or number keys");
    }

    /** Walks the finished tree: refuses cycles, nesting deeper than MAX_DEPTH and stray internal markers. */
    private int height(Object o, int depth, IdentityHashMap<Object, Integer> done, Set<Object> onPath)
            throws IOException {
        if (!(o instanceof Map) && !(o instanceof List)) {
            if (o instanceof Call || o instanceof StorageType || o instanceof StorageRef) {
                throw malformed("the result holds " + kind(o) + " outside a tensor");
            }
            return 0;
        }
        Integer known = done.get(o);
        if (known == null) {
            if (depth > MAX_DEPTH) {
                throw limit("nesting depth", MAX_DEPTH);
            }
            if (!onPath.add(o)) {
                throw malformed("the structure contains itself (a cycle); state dicts are trees");
            }
            Iterable<?> children = o instanceof Map<?, ?> m ? m.values() : (List<?>) o;
            int h = 0;
            for (Object child : children) {
                h = Math.max(h, 1 + height(child, depth + 1, done, onPath));
            }
            onPath.remove(o);
            done.put(o, h);
            known = h;
        }
        if (depth + known > MAX_DEPTH) {
            throw limit("nesting depth", MAX_DEPTH);
        }
        return known;
    }

    // ---- reading the byte stream

    private void need(long n) throws IOException {
        if (n < 0 || n > data.length - pos) {
            throw malformed("a length of " + n + " bytes runs past the end of the pickle (" + (data.length - pos)
                    + " bytes left); the file is truncated or damaged");
        }
    }

    private int u8() throws IOException {
        need(1);
        return data[pos++] & 0xff;
    }

    private int i32() throws IOException {
        need(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long u32() throws IOException {
        return i32() & 0xffff_ffffL;
    }

    private long u64() throws IOException {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (data[pos + i] & 0xff);
        }
        pos += 8;
        return v; // a negative value (over 2^63) fails the following need()
    }

    private long i64be() throws IOException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (data[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private String text(long length, java.nio.charset.Charset charset) throws IOException {
        need(length);
        String s = new String(data, pos, (int) length, charset);
        pos += (int) length;
        return s;
    }

    private byte[] bytes(long length) throws IOException {
        need(length);
        byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + (int) length);
        pos += (int) length;
        return b;
    }

    /** A little-endian two's-complement integer of n bytes (LONG1, LONG4). */
    private Object longOf(int n) throws IOException {
        need(n);
        if (n == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[n];
        for (int i = 0; i < n; i++) {
            bigEndian[i] = data[pos + n - 1 - i];
        }
        pos += n;
        BigInteger v = new BigInteger(bigEndian);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** A newline-terminated ASCII argument (GLOBAL, PUT, GET, PERSID). */
    private String line() throws IOException {
        int end = pos;
        while (end < data.length && data[end] != '\n') {
            if (end - pos >= MAX_LINE) {
                throw limit("a text argument", MAX_LINE);
            }
            end++;
        }
        if (end == data.length) {
            throw malformed("a text argument has no end of line; the file is truncated or damaged");
        }
        String s = new String(data, pos, end - pos, StandardCharsets.UTF_8);
        pos = end + 1;
        return s;
    }

    private long number(String text) throws IOException {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw malformed("'" + text + "' is not a memo index");
        }
    }

    // ---- messages

    private IOException malformed(String what) {
        return new IOException(source + ", byte " + opStart + ": " + what);
    }

    private IOException limit(String what, int max) {
        return new IOException(source + ", byte " + opStart + ": " + what + " exceeds the limit of " + max
                + "; no checkpoint needs that much, so the file is damaged or made to exhaust the reader");
    }

    private UnsafePickleException refusedOpcode(int op) {
        String name = OPCODE_NAMES[op];
        if (name == null) {
            return new UnsafePickleException(source, opStart, String.format("unknown opcode 0x%02x", op));
        }
        String why = switch (name) {
            case "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX" -> ", which creates an object of a class and may call it";
            case "EXT1", "EXT2", "EXT4" -> ", which looks up a global in Python's extension registry";
            default -> ", which torch.save does not write";
        };
        return new UnsafePickleException(source, opStart, String.format("opcode %s (0x%02x)%s", name, op, why));
    }

    private static String kind(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Call c) {
            return c.global;
        }
        if (o instanceof StorageType t) {
            return "torch." + t.dtype().storageClass();
        }
        if (o instanceof TorchDtype d) {
            return "torch." + d.dtypeName();
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        if (isTuple(o)) {
            return "a tuple";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof TorchTensor) {
            return "a tensor";
        }
        return switch (o.getClass().getSimpleName()) {
            case "String" -> "a str";
            case "Long", "BigInteger" -> "an int";
            case "Double" -> "a float";
            case "Boolean" -> "a bool";
            case "byte[]" -> "bytes";
            default -> o.getClass().getSimpleName();
        };
    }

    private static Map<String, Object> allowedGlobals() {
        Map<String, Object> g = new HashMap<>();
        for (Call c : Call.values()) {
            g.put(c.global, c);
        }
        g.put("__builtin__.bytes", Call.BYTES);
        for (TorchDtype d : TorchDtype.values()) {
            g.put("torch." + d.storageClass(), new StorageType(d));
            g.put("torch." + d.dtypeName(), d);
        }
        return Map.copyOf(g);
    }

    private static String[] opcodeNames() {
        String[] n = new String[256];
        Object[][] table = {
            {'(', "MARK"}, {'.', "STOP"}, {'0', "POP"}, {'1', "POP_MARK"}, {'2', "DUP"}, {'F', "FLOAT"},
            {'I', "INT"}, {'J', "BININT"}, {'K', "BININT1"}, {'L', "LONG"}, {'M', "BININT2"}, {'N', "NONE"},
            {'P', "PERSID"}, {'Q', "BINPERSID"}, {'R', "REDUCE"}, {'S', "STRING"}, {'T', "BINSTRING"},
            {'U', "SHORT_BINSTRING"}, {'V', "UNICODE"}, {'X', "BINUNICODE"}, {'a', "APPEND"}, {'b', "BUILD"},
            {'c', "GLOBAL"}, {'d', "DICT"}, {'}', "EMPTY_DICT"}, {'e', "APPENDS"}, {'g', "GET"}, {'h', "BINGET"},
            {'i', "INST"}, {'j', "LONG_BINGET"}, {'l', "LIST"}, {']', "EMPTY_LIST"}, {'o', "OBJ"}, {'p', "PUT"},
            {'q', "BINPUT"}, {'r', "LONG_BINPUT"}, {'s', "SETITEM"}, {'t', "TUPLE"}, {')', "EMPTY_TUPLE"},
            {'u', "SETITEMS"}, {'G', "BINFLOAT"}, {'B', "BINBYTES"}, {'C', "SHORT_BINBYTES"},
            {0x80, "PROTO"}, {0x81, "NEWOBJ"}, {0x82, "EXT1"}, {0x83, "EXT2"}, {0x84, "EXT4"}, {0x85, "TUPLE1"},
            {0x86, "TUPLE2"}, {0x87, "TUPLE3"}, {0x88, "NEWTRUE"}, {0x89, "NEWFALSE"}, {0x8a, "LONG1"},
            {0x8b, "LONG4"}, {0x8c, "SHORT_BINUNICODE"}, {0x8d, "BINUNICODE8"}, {0x8e, "BINBYTES8"},
            {0x8f, "EMPTY_SET"}, {0x90, "ADDITEMS"}, {0x91, "FROZENSET"}, {0x92, "NEWOBJ_EX"},
            {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"}, {0x95, "FRAME"}, {0x96, "BYTEARRAY8"},
            {0x97, "NEXT_BUFFER"}, {0x98, "READONLY_BUFFER"},
        };
        for (Object[] row : table) {
            int code = row[0] instanceof Character c ? c : (Integer) row[0];
            n[code] = (String) row[1];
        }
        return n;
    }
}

package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One-line functions in Python or JavaScript, answered by a fenced block and nothing else:
 * <pre>
 * Write a Python function that returns the square of x.
 * ```python
 * def square(x):
 *     return x * x
 * ```
 * </pre>
 * Held out: operation, variable and language combinations training never shows.
 */
final class CodeTasks implements Generator {

    /**
     * An operation: what the prompt asks for and the body's expression, in each language.
     * Placeholders %1$s and %2$s stand for the parameter names.
     */
    record Op(String python, String javascript, String asked, String pyExpr, String jsExpr) {
    }

    static final List<Op> UNARY = List.of(
            new Op("square", "square", "returns the square of %1$s", "%1$s * %1$s", "%1$s * %1$s"),
            new Op("cube", "cube", "returns the cube of %1$s", "%1$s * %1$s * %1$s", "%1$s * %1$s * %1$s"),
            new Op("double", "double", "returns %1$s times two", "%1$s * 2", "%1$s * 2"),
            new Op("half", "half", "returns half of %1$s", "%1$s / 2", "%1$s / 2"),
            new Op("negate", "negate", "returns the negative of %1$s", "-%1$s", "-%1$s"),
            new Op("add_one", "addOne", "returns %1$s plus one", "%1$s + 1", "%1$s + 1"),
            new Op("absolute", "absolute", "returns the absolute value of %1$s", "abs(%1$s)", "Math.abs(%1$s)"),
            new Op("is_even", "isEven", "returns whether %1$s is even", "%1$s %% 2 == 0", "%1$s %% 2 === 0"));

    static final List<Op> BINARY = List.of(
            new Op("add", "add", "returns the sum of %1$s and %2$s", "%1$s + %2$s", "%1$s + %2$s"),
            new Op("subtract", "subtract", "returns the difference of %1$s and %2$s", "%1$s - %2$s", "%1$s - %2$s"),
            new Op("multiply", "multiply", "returns the product of %1$s and %2$s", "%1$s * %2$s", "%1$s * %2$s"),
            new Op("larger", "larger", "returns the larger of %1$s and %2$s", "max(%1$s, %2$s)",
                    "Math.max(%1$s, %2$s)"));

    static final List<String> UNARY_NAMES = List.of("x", "n", "y", "v");
    static final List<String[]> BINARY_NAMES = List.of(
            new String[] {"a", "b"}, new String[] {"x", "y"}, new String[] {"m", "n"});

    private record Item(boolean python, Op op, String[] params) {
    }

    private final Pool<Item> items;

    CodeTasks(Random rnd) {
        List<Item> all = new ArrayList<>();
        for (boolean python : new boolean[] {true, false}) {
            for (Op op : UNARY) {
                for (String v : UNARY_NAMES) {
                    all.add(new Item(python, op, new String[] {v}));
                }
            }
            for (Op op : BINARY) {
                for (String[] vs : BINARY_NAMES) {
                    all.add(new Item(python, op, vs));
                }
            }
        }
        this.items = Pool.split(all, all.size() / 5, rnd);
    }

    @Override
    public Draft nextTrain() {
        return draft(items.nextTrain());
    }

    @Override
    public Draft nextHeldOut() {
        return draft(items.nextHeldOut()).heldOut("new_content");
    }

    private static Draft draft(Item item) {
        Op op = item.op();
        String prompt = "Write a " + (item.python() ? "Python" : "JavaScript") + " function that "
                + String.format(op.asked(), (Object[]) item.params()) + ".";
        String answer = answer(item.python(), op, item.params());
        return Draft.of(Category.CODE, "code-" + op.python(),
                        Message.text(Role.USER, prompt), Message.text(Role.ASSISTANT, answer))
                .with("language", item.python() ? "python" : "javascript");
    }

    /** The fenced answer: the whole function, nothing around it. */
    static String answer(boolean python, Op op, String... params) {
        String body = String.format(python ? op.pyExpr() : op.jsExpr(), (Object[]) params);
        String list = String.join(", ", params);
        return python
                ? "```python\ndef " + op.python() + "(" + list + "):\n    return " + body + "\n```"
                : "```javascript\nfunction " + op.javascript() + "(" + list + ") {\n  return " + body + ";\n}\n```";
    }
}

package dev.chameleon.workbench.trainer.train;

import ai.djl.Device;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The run config's {@code devices} setting: which devices of this machine one run trains on.
 *
 * <pre>
 *   cpu        the CPU (default in the presets)
 *   gpu        the first GPU (gpu:0)
 *   gpu:0,1    those GPUs, data parallel: each micro-batch is split across them
 *   all-gpus   every GPU the engine sees, data parallel
 * </pre>
 * The syntax is checked when the config is loaded; whether the GPUs exist is checked when the run starts
 * ({@link #resolve}), since only the engine knows.
 */
final class Devices {

    static final String FIX = "use cpu, gpu, gpu:0,1 (a list of GPU indices) or all-gpus";

    private Devices() {
    }

    /** Rejects a setting that is not one of the forms above; the message names the field and the fix. */
    static void checkSyntax(String spec) {
        parse(spec, Integer.MAX_VALUE);
    }

    /**
     * The devices {@code spec} names on a machine with {@code gpuCount} GPUs, first device first (it holds the
     * model's parameters and the optimizer state).
     *
     * @param batchSize windows per micro-batch; each device needs at least one
     */
    public static List<Device> resolve(String spec, int gpuCount, int batchSize) {
        List<Device> devices = parse(spec, gpuCount);
        if (devices.isEmpty()) {
            throw new InvalidValueException("devices", "devices (" + spec + ") asks for all GPUs, but the PyTorch engine sees"
                    + " none; set devices: cpu, or run a jar built with -Pcuda on a machine with an NVIDIA driver");
        }
        if (devices.size() > batchSize) {
            throw new InvalidValueException("devices", "devices (" + spec + ") names " + devices.size() + " devices but"
                    + " batch_size is " + batchSize + "; each device needs at least one window: raise batch_size to"
                    + " a multiple of " + devices.size() + " or name fewer devices");
        }
        return devices;
    }

    private static List<Device> parse(String spec, int gpuCount) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidValueException("devices", "devices is empty; " + FIX);
        }
        String s = spec.strip();
        if (s.equals("cpu")) {
            return List.of(Device.cpu());
        }
        if (s.equals("all-gpus")) {
            List<Device> all = new ArrayList<>();
            for (int i = 0; i < gpuCount && gpuCount != Integer.MAX_VALUE; i++) {
                all.add(Device.gpu(i));
            }
            return gpuCount == Integer.MAX_VALUE ? List.of(Device.gpu(0)) : all;
        }
        String indices = s.equals("gpu") ? "0" : s.startsWith("gpu:") ? s.substring(4) : null;
        if (indices == null || indices.isBlank()) {
            throw new InvalidValueException("devices", "devices (" + spec + ") is not a device list; " + FIX);
        }
        Set<Integer> seen = new LinkedHashSet<>();
        for (String part : indices.split(",", -1)) {
            int i;
            try {
                i = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new InvalidValueException("devices", "devices (" + spec + ") has '" + part + "' where a GPU index"
                        + " belongs; " + FIX);
            }
            if (i < 0) {
                throw new InvalidValueException("devices", "devices (" + spec + ") has a negative GPU index; " + FIX);
            }
            if (!seen.add(i)) {
                throw new InvalidValueException("devices", "devices (" + spec + ") names GPU " + i + " twice; name each"
                        + " GPU once");
            }
            if (i >= gpuCount) {
                throw new InvalidValueException("devices", "devices (" + spec + ") asks for GPU " + i + ", but the PyTorch"
                        + " engine sees " + gpuCount + " GPU" + (gpuCount == 1 ? "" : "s") + (gpuCount == 0
                        ? "; set devices: cpu, or run a jar built with -Pcuda on a machine with an NVIDIA driver"
                        : "; name GPUs 0.." + (gpuCount - 1) + " or use all-gpus"));
            }
        }
        List<Device> out = new ArrayList<>();
        for (int i : seen) {
            out.add(Device.gpu(i));
        }
        return out;
    }
}

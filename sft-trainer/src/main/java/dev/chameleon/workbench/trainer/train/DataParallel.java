package dev.chameleon.workbench.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Data parallelism over the devices of one machine: replica 0 is the model itself (its parameters, on the first
 * device, are what AdamW updates and checkpoints save); every further replica is a copy of the parameters on its
 * device. Each step the micro-batch's rows are split across the replicas, then
 *
 * <pre>
 *   forward + backward of slice r on replica r     (one gradient collector; the loss of each slice is divided
 *                                                   by the whole step's answer-token count)
 *   reduce:    grad_0 += sum_r grad_r              (replica gradients copied to the first device, then zeroed)
 *   step:      norm, clip, AdamW on replica 0
 *   broadcast: w_r = w_0                           (updated weights copied back to every replica)
 * </pre>
 * which gives replica 0 the gradient of the whole micro-batch, as one device would compute it.
 *
 * <p>This is what DJL's multi-device {@link ParameterStore} with its LocalParameterServer does, written out: the
 * LocalParameterServer steps a DJL Optimizer per parameter, while our AdamW needs the summed gradients of all
 * parameters first (for the global norm), and DJL's store refuses the same device twice, which the CPU test of this
 * path needs. Each replica therefore has its own store ({@link ReplicaStore}) handing the model that replica's
 * arrays. With one device there are no copies and no extra work.
 */
final class DataParallel {

    private final List<Device> devices;
    private final List<ParameterStore> stores = new ArrayList<>();
    private final List<NDArray> weights = new ArrayList<>();
    /** Whether each parameter trains; frozen ones have no gradient to reduce and never change. */
    private final List<Boolean> trains = new ArrayList<>();
    private final List<List<NDArray>> copies = new ArrayList<>();

    /**
     * @param params  the model's parameters, already initialized (and loaded, when resuming) on devices[0]
     * @param manager owns the replica copies (the run's manager)
     */
    DataParallel(PairList<String, Parameter> params, List<Device> devices, NDManager manager) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no devices to train on");
        }
        this.devices = List.copyOf(devices);
        stores.add(new ParameterStore(manager, false));
        for (Pair<String, Parameter> p : params) {
            weights.add(p.getValue().getArray());
            trains.add(p.getValue().requiresGradient());
        }
        for (int r = 1; r < devices.size(); r++) {
            Device d = devices.get(r);
            Map<String, NDArray> byId = new HashMap<>();
            List<NDArray> list = new ArrayList<>();
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                // duplicate() on the same device: toDevice would hand back the parameter itself, not a copy.
                NDArray copy = w.getDevice().equals(d) ? w.duplicate() : w.toDevice(d, true);
                copy.attach(manager);
                copy.setRequiresGradient(p.getValue().requiresGradient());   // frozen weights stay frozen
                byId.put(p.getValue().getId(), copy);
                list.add(copy);
            }
            copies.add(list);
            stores.add(new ReplicaStore(manager, byId));
        }
    }

    int size() {
        return devices.size();
    }

    Device device(int r) {
        return devices.get(r);
    }

    /** The store that hands the model replica {@code r}'s parameters. */
    ParameterStore store(int r) {
        return stores.get(r);
    }

    /** First row of slice {@code r} when {@code rows} rows are split across the replicas (as evenly as can be). */
    int sliceStart(int r, int rows) {
        return (int) ((long) r * rows / devices.size());
    }

    /** Adds every replica's gradients onto replica 0's and zeroes them; temporaries belong to the caller's scope. */
    void reduceGradients() {
        Device first = devices.get(0);
        for (List<NDArray> replica : copies) {
            for (int i = 0; i < weights.size(); i++) {
                if (!trains.get(i)) {
                    continue;
                }
                NDArray g = replica.get(i).getGradient();
                weights.get(i).getGradient().addi(g.toDevice(first, false));
                g.subi(g);
            }
        }
    }

    /** Copies replica 0's (updated) weights to every other replica. */
    void broadcast() {
        for (int r = 1; r < devices.size(); r++) {
            List<NDArray> replica = copies.get(r - 1);
            Device d = devices.get(r);
            for (int i = 0; i < weights.size(); i++) {
                if (!trains.get(i)) {
                    continue;
                }
                replica.get(i).set(new NDIndex("..."), weights.get(i).toDevice(d, false));
            }
        }
    }

    /** A parameter store over one replica's copies, whatever device the model asks for. */
    private static final class ReplicaStore extends ParameterStore {
        private final Map<String, NDArray> byId;

        ReplicaStore(NDManager manager, Map<String, NDArray> byId) {
            super(manager, false);
            this.byId = byId;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            NDArray a = byId.get(parameter.getId());
            if (a == null) {
                throw new IllegalStateException("parameter " + parameter.getName() + " has no replica copy");
            }
            return a;
        }
    }
}

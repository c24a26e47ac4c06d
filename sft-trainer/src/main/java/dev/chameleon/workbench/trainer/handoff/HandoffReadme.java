package dev.chameleon.workbench.trainer.handoff;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The README.md inside an export folder: what is there, and how PyTorch reads it, with this export's numbers.
 * The full description of the format and of continuing training elsewhere is docs/handoff.md.
 */
final class HandoffReadme {

    private HandoffReadme() {
    }

    /** The README for the manifest {@code m} (data.json, shards included or not). */
    static String text(JsonNode m) {
        long n = m.get("windows").asLong();
        int t = m.get("window_length").asInt();
        int perStep = m.get("windows_per_step").asInt();
        JsonNode ids = m.get("token_ids");
        JsonNode img = m.get("image_token_range");
        JsonNode ck = m.get("checkpoint");
        String checkpoint = ck == null || ck.isNull()
                ? "The run had no checkpoint when it was exported: a cluster run starts from the model it initialises.\n"
                : "The run's newest checkpoint was at step " + ck.get("step").asLong() + "; continuing from it, the next"
                        + " step trains windows " + ck.get("next_window").asLong() + " onwards.\n";
        return """
                # Packed training data of a Chameleon Workbench run

                Format `%s`, version %d. Every window is one packed row of T = %d tokens, exactly as the workbench's
                trainer draws it (seed %d); window i is the i-th row the run trains on. One optimizer step of the
                recipe trains %d windows (batch_size %d x grad_accum %d), so step s uses windows s*%d .. s*%d+%d.
                This export holds N = %d windows (%d steps).
                %s
                | Path | What |
                |---|---|
                | `data.json` | the manifest: sizes, token ids, shards with their SHA-256, provenance |
                | `data/windows-*.safetensors` | the windows, in order, split into shards |
                | `recipe.yaml` | the resolved recipe: `train` (optimizer, schedule, mix) and `model` |
                | `tokenizers/` | the text tokenizer (`tokenizer.json`) and the image tokenizer (`image/`) |
                | `model/` | the checkpoint in the Hugging Face layout, when the run had one |

                Each shard holds four int32 tensors of shape (n, T), n the shard's windows:

                - `input_ids`: token ids; padding after the last document is %d.
                - `labels`: NOT shifted: `labels[t] = input_ids[t]` where token t is trained, else %d. The model
                  shifts them (logits at t-1 predict labels[t]), as transformers' causal-LM loss does. A document's
                  first token is never trained (it is not predicted from another document).
                - `position_ids`: 0, 1, 2, ... restarting at 0 for each document; 0 on padding.
                - `document_ids`: 0, 1, 2, ... per document within the window; %d on padding.

                Vocabulary: %d ids; image codes are ids %d <= id < %d; begin-image %d, end-image %d,
                end-of-turn %d, BOS %d, EOS %d.

                ## Reading it in PyTorch

                ```python
                import json, torch
                from safetensors.torch import load_file

                class PackedWindows(torch.utils.data.Dataset):
                    \"""The windows of a workbench export, in the order the workbench run trains on them.\"""
                    def __init__(self, folder):
                        m = json.load(open(f"{folder}/data.json"))
                        assert m["format"] == "%s" and m["format_version"] == %d
                        shards = [load_file(f"{folder}/{s['file']}") for s in m["shards"]]
                        self.data = {k: torch.cat([s[k] for s in shards]) for k in shards[0]}
                    def __len__(self):
                        return self.data["input_ids"].shape[0]
                    def __getitem__(self, i):
                        return {k: v[i].long() for k, v in self.data.items()}
                ```

                Keep the order (no shuffling sampler) to train on what the workbench would have trained on; the
                windows are already shuffled within each round of drawing.

                ## Attention within documents only

                A token attends to earlier tokens of its own document only. Either build the block-diagonal mask

                ```python
                def block_causal(document_ids):                       # (B, T) -> (B, 1, T, T), True = may attend
                    t = document_ids.shape[-1]
                    same = document_ids[:, :, None] == document_ids[:, None, :]
                    causal = torch.ones(t, t, dtype=torch.bool, device=document_ids.device).tril()
                    real = (document_ids >= 0)[:, :, None]
                    eye = torch.eye(t, dtype=torch.bool, device=document_ids.device)
                    return ((same & causal & real) | eye)[:, None]
                ```

                or, with flash-attention, pass `position_ids` and no attention mask: the restarts at 0 mark the
                documents (each padding token becomes a document of one).

                Continuing training with transformers, and why image tokens need your own loss, is described in
                the workbench's docs/handoff.md.
                """.formatted(m.get("format").asText(), m.get("format_version").asInt(), t, m.get("seed").asLong(),
                perStep, m.get("batch_size").asInt(), m.get("grad_accum").asInt(), perStep, perStep, perStep - 1,
                n, m.get("steps_covered").asLong(), checkpoint, ids.get("pad").asInt(), m.get("ignore_index").asInt(),
                m.get("pad_document_id").asInt(), m.get("vocab_size").asInt(), img.get("start").asInt(),
                img.get("stop").asInt(), ids.get("begin_image").asInt(), ids.get("end_image").asInt(),
                ids.get("end_of_turn").asInt(), ids.get("bos").asInt(), ids.get("eos").asInt(),
                m.get("format").asText(), m.get("format_version").asInt());
    }
}

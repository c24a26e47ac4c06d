-- Token counts are figures of a snapshot under one tokenizer setup: `sft-trainer count --snapshot DIR --out FILE`
-- writes them beside the snapshot. The workspace no longer stores them, so the table written by older versions goes.

DROP TABLE IF EXISTS token_count;

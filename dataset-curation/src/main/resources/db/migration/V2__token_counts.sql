-- Token counts of each example under one tokenizer setup, for the curation views and the packer.
-- tokenizer_key names the text tokenizer plus what else changes the counts (codes per image, rotation seed).

CREATE TABLE token_count (
    example_id    BIGINT NOT NULL REFERENCES example (id) ON DELETE CASCADE,
    tokenizer_key CHARACTER VARYING(200) NOT NULL,
    tokens        INTEGER NOT NULL,
    loss_tokens   INTEGER NOT NULL,
    image_tokens  INTEGER NOT NULL,
    PRIMARY KEY (example_id, tokenizer_key)
);

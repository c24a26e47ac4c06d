package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;

import java.util.List;
import java.util.Map;

/**
 * The first few records of an input as they would import: what the Import view shows after a file is chosen, so
 * the user can check the detected format and mapping and change them before importing.
 *
 * @param format        the format the input was read as, or null when it matched none
 * @param columns       the column mapping in effect (our field name to the source's field), given or detected
 * @param examples      the first converted examples, in input order
 * @param problems      problems met before those examples (whole-file refusals included)
 * @param suggestedKind the kind the records look like (PROMPTS when none of them has an answer)
 */
public record ImportPreview(Format format, Map<String, String> columns, List<Example> examples,
                            List<ImportProblem> problems, DatasetKind suggestedKind) {

    public ImportPreview {
        columns = Map.copyOf(columns);
        examples = List.copyOf(examples);
        problems = List.copyOf(problems);
    }
}

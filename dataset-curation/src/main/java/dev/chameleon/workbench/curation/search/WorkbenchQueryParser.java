package dev.chameleon.workbench.curation.search;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

import java.util.Locale;

/**
 * Lucene's classic query syntax over the prompt and answer text, with typed fields:
 * {@code category:visual_chat}, {@code status:accepted}, {@code tag:demo}, {@code harm:privacy},
 * {@code has_image:true}, {@code remote_image:true} (an image known only by its web address),
 * {@code length:[100 TO 500]}, {@code images:[2 TO *]}, {@code source:chat.jsonl}.
 */
final class WorkbenchQueryParser extends MultiFieldQueryParser {

    WorkbenchQueryParser(Analyzer analyzer) {
        super(new String[]{SearchIndex.PROMPT, SearchIndex.ANSWER}, analyzer);
        setDefaultOperator(AND_OPERATOR);
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
        if (field == null) {
            return super.getFieldQuery(null, queryText, quoted);
        }
        switch (field) {
            case SearchIndex.LENGTH, SearchIndex.IMAGES -> {
                int v = parseInt(field, queryText);
                return IntPoint.newExactQuery(field, v);
            }
            case SearchIndex.CATEGORY -> {
                try {
                    return new TermQuery(new Term(field, Category.parse(queryText).wireName()));
                } catch (IllegalArgumentException e) {
                    throw new ParseException(e.getMessage());
                }
            }
            case SearchIndex.STATUS -> {
                try {
                    return new TermQuery(new Term(field, ReviewStatus.parse(queryText).wireName()));
                } catch (IllegalArgumentException e) {
                    throw new ParseException(e.getMessage());
                }
            }
            case SearchIndex.HAS_IMAGE, SearchIndex.REMOTE_IMAGE -> {
                String v = queryText.toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) {
                    throw new ParseException(field + " takes true or false, not '" + queryText + "'");
                }
                return new TermQuery(new Term(field, v));
            }
            case SearchIndex.TAG, SearchIndex.HARM, SearchIndex.SOURCE -> {
                return new TermQuery(new Term(field, queryText));
            }
            default -> {
                return super.getFieldQuery(field, queryText, quoted);
            }
        }
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive,
                                  boolean endInclusive) throws ParseException {
        if (SearchIndex.LENGTH.equals(field) || SearchIndex.IMAGES.equals(field)) {
            int lo = part1 == null || part1.equals("*") ? Integer.MIN_VALUE : parseInt(field, part1);
            int hi = part2 == null || part2.equals("*") ? Integer.MAX_VALUE : parseInt(field, part2);
            if (!startInclusive && lo != Integer.MIN_VALUE) {
                lo++;
            }
            if (!endInclusive && hi != Integer.MAX_VALUE) {
                hi--;
            }
            return IntPoint.newRangeQuery(field, lo, hi);
        }
        return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
    }

    private static int parseInt(String field, String s) throws ParseException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new ParseException(field + " takes a whole number, not '" + s + "' (e.g. " + field + ":[10 TO 200])");
        }
    }
}

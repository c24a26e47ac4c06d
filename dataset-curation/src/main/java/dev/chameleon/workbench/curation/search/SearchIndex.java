package dev.chameleon.workbench.curation.search;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The Lucene full-text index over every example's text and review fields.
 *
 * <p>The database is the source of truth; this index is derived from it. Each commit records the highest example
 * id it holds, so opening a workspace after a crash indexes only what is missing.
 */
public final class SearchIndex implements AutoCloseable {

    static final String ID = "id";
    static final String ID_SORT = "id_sort";
    static final String DATASET = "dataset";
    static final String CATEGORY = "category";
    static final String STATUS = "status";
    static final String HARM = "harm";
    static final String TAG = "tag";
    static final String SOURCE = "source";
    static final String HAS_IMAGE = "has_image";
    /** Whether an image is known only by its web address; indexed since such images exist, so ask for true. */
    static final String REMOTE_IMAGE = "remote_image";
    static final String IMAGES = "images";
    static final String LENGTH = "length";
    static final String PROMPT = "prompt";
    static final String ANSWER = "answer";
    private static final String MAX_ID = "max_id";

    private final Path dir;
    private final Directory directory;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private volatile long committedMaxId;

    private SearchIndex(Path dir, Directory directory, IndexWriter writer) throws IOException {
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            for (Map.Entry<String, String> e : data) {
                if (e.getKey().equals(MAX_ID)) {
                    committedMaxId = Long.parseLong(e.getValue());
                }
            }
        }
    }

    public static SearchIndex open(Path dir) {
        try {
            Files.createDirectories(dir);
            Directory d = FSDirectory.open(dir);
            IndexWriterConfig cfg = new IndexWriterConfig(new StandardAnalyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setIndexSort(new Sort(new SortField(ID_SORT, SortField.Type.LONG)))
                    .setRAMBufferSizeMB(48)
                    .setUseCompoundFile(false);
            IndexWriter w;
            try {
                w = new IndexWriter(d, cfg);
            } catch (LockObtainFailedException e) {
                d.close();
                throw new IllegalStateException("the search index " + dir + " is locked by another workbench "
                        + "process; stop it (or use another --workspace) and retry", e);
            }
            return new SearchIndex(dir, d, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the search index in " + dir, e);
        }
    }

    /** The highest example id the last commit holds; examples above it must be (re)indexed. */
    public long committedMaxId() {
        return committedMaxId;
    }

    /** Adds or replaces examples of a dataset (by id). Visible to searches after {@link #refresh()}. */
    public void put(String dataset, List<Example> examples) {
        if (examples.isEmpty()) {
            return;
        }
        try {
            // Ids are points, not terms (a unique term per document makes bulk indexing slow), so an update is a
            // delete by point query and an add: one set query for the whole batch, which stays fast when a bulk
            // review replaces a hundred thousand documents. Callers serialise updates of one example.
            writer.deleteDocuments(LongPoint.newSetQuery(ID, examples.stream().mapToLong(Example::id).toArray()));
            List<Document> docs = new ArrayList<>(examples.size());
            for (Example e : examples) {
                docs.add(document(dataset, e));
            }
            writer.addDocuments(docs);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Adds examples known to be new: faster than {@link #put} because nothing is looked up. */
    public void addNew(String dataset, List<Example> examples) {
        try {
            List<Document> docs = new ArrayList<>(examples.size());
            for (Example e : examples) {
                docs.add(document(dataset, e));
            }
            writer.addDocuments(docs);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Makes everything written so far durable, recording the highest example id now indexed. */
    public void commit(long maxId) {
        try {
            long m = Math.max(maxId, committedMaxId);
            writer.setLiveCommitData(Map.of(MAX_ID, Long.toString(m)).entrySet());
            writer.commit();
            committedMaxId = m;
            searchers.maybeRefresh();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes recent writes visible to searches without a commit. */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops every document (before a full rebuild). */
    public void clear() {
        try {
            writer.deleteAll();
            writer.setLiveCommitData(Map.of(MAX_ID, "0").entrySet());
            writer.commit();
            committedMaxId = 0;
            searchers.maybeRefresh();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One page of hits in rank order (relevance for text queries, import order otherwise).
     *
     * @throws QuerySyntaxException when the query does not parse
     */
    public SearchPage search(SearchRequest request, int offset, int limit) {
        Query q = query(request);
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Integer known = cachedCount(s, q);
                if (known != null && (limit <= 0 || offset >= known)) {
                    return new SearchPage(List.of(), known);
                }
                int n = Math.max(1, offset + Math.max(limit, 0));
                boolean ranked = request.query() != null && !request.query().isBlank();
                Sort sort = ranked
                        ? new Sort(SortField.FIELD_SCORE, new SortField(ID_SORT, SortField.Type.LONG))
                        : new Sort(new SortField(ID_SORT, SortField.Type.LONG));
                // One pass collects the page and counts every hit; when the count is already known (the grid
                // asks for it first) the collector may stop early instead.
                TopFieldDocs top = s.search(q, new TopFieldCollectorManager(sort, n, null,
                        known != null ? n : Integer.MAX_VALUE));
                int total = known != null ? known : (int) top.totalHits.value;
                if (known == null) {
                    rememberCount(s, q, total);
                }
                if (limit <= 0 || offset >= total) {
                    return new SearchPage(List.of(), total);
                }
                return new SearchPage(ids(s, top.scoreDocs, offset), total);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Recent hit counts by query and index version: a grid asks for the count and then for pages. */
    private final Map<Object, Integer> counts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Integer> eldest) {
            return size() > 64;
        }
    };

    private Integer cachedCount(IndexSearcher s, Query q) {
        synchronized (counts) {
            return counts.get(List.of(q, ((DirectoryReader) s.getIndexReader()).getVersion()));
        }
    }

    private void rememberCount(IndexSearcher s, Query q, int total) {
        synchronized (counts) {
            counts.put(List.of(q, ((DirectoryReader) s.getIndexReader()).getVersion()), total);
        }
    }

    /** The example ids of hits {@code [from, end)}, read from doc values (no stored fields are kept). */
    private static List<Long> ids(IndexSearcher s, ScoreDoc[] hits, int from) throws IOException {
        List<Long> ids = new ArrayList<>(Math.max(0, hits.length - from));
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        for (int i = from; i < hits.length; i++) {
            int doc = hits[i].doc;
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
            NumericDocValues values = DocValues.getNumeric(leaf.reader(), ID_SORT);
            if (!values.advanceExact(doc - leaf.docBase)) {
                throw new IllegalStateException("search index document without an id; rebuild the index");
            }
            ids.add(values.longValue());
        }
        return ids;
    }

    /**
     * The ids of every example a request matches, in index order (no ranking): what a bulk review acts on.
     *
     * @throws QuerySyntaxException when the query does not parse
     */
    public long[] matchingIds(SearchRequest request) {
        Query q = query(request);
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Weight weight = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
                LongStream.Builder ids = LongStream.builder();
                for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                    Scorer scorer = weight.scorer(leaf);
                    if (scorer == null) {
                        continue;
                    }
                    Bits live = leaf.reader().getLiveDocs();
                    NumericDocValues values = DocValues.getNumeric(leaf.reader(), ID_SORT);
                    DocIdSetIterator it = scorer.iterator();
                    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                        if ((live == null || live.get(doc)) && values.advanceExact(doc)) {
                            ids.add(values.longValue());
                        }
                    }
                }
                return ids.build().toArray();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of matches. */
    public long count(SearchRequest request) {
        Query q = query(request);
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Integer known = cachedCount(s, q);
                if (known != null) {
                    return known;
                }
                int total = s.count(q);
                rememberCount(s, q, total);
                return total;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Documents in the index (all datasets). */
    public long size() {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes the index takes on disk. */
    public long diskBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Query query(SearchRequest r) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new TermQuery(new Term(DATASET, r.dataset())), BooleanClause.Occur.FILTER);
        if (r.category() != null) {
            b.add(new TermQuery(new Term(CATEGORY, r.category().wireName())), BooleanClause.Occur.FILTER);
        }
        if (r.status() != null) {
            b.add(new TermQuery(new Term(STATUS, r.status().wireName())), BooleanClause.Occur.FILTER);
        }
        if (r.hasImage() != null) {
            b.add(new TermQuery(new Term(HAS_IMAGE, r.hasImage().toString())), BooleanClause.Occur.FILTER);
        }
        if (r.query() != null && !r.query().isBlank()) {
            try {
                b.add(new WorkbenchQueryParser(analyzer).parse(r.query()), BooleanClause.Occur.MUST);
            } catch (ParseException e) {
                throw new QuerySyntaxException("cannot parse the query '" + r.query() + "': "
                        + firstLine(e.getMessage()) + ". Syntax: words, \"a phrase\", AND/OR/NOT, field:value "
                        + "(category, status, tag, harm, has_image, remote_image, source), length:[10 TO 200], "
                        + "images:[1 TO *]", e);
            }
        } else {
            b.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
        }
        return b.build();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }


    private Document document(String dataset, Example e) {
        Document d = new Document();
        d.add(new LongPoint(ID, e.id()));
        d.add(new NumericDocValuesField(ID_SORT, e.id()));
        d.add(new StringField(DATASET, dataset, Field.Store.NO));
        d.add(new StringField(CATEGORY, e.category().wireName(), Field.Store.NO));
        d.add(new StringField(STATUS, e.status().wireName(), Field.Store.NO));
        if (e.harmCategory() != null) {
            d.add(new StringField(HARM, e.harmCategory(), Field.Store.NO));
        }
        for (String t : e.tags()) {
            d.add(new StringField(TAG, t, Field.Store.NO));
        }
        d.add(new StringField(SOURCE, e.source().file(), Field.Store.NO));
        int images = e.imageCount();
        d.add(new StringField(HAS_IMAGE, images > 0 ? "true" : "false", Field.Store.NO));
        d.add(new StringField(REMOTE_IMAGE, e.hasRemoteImage() ? "true" : "false", Field.Store.NO));
        d.add(new IntPoint(IMAGES, images));
        d.add(new IntPoint(LENGTH, e.textLength()));
        StringBuilder prompt = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        for (Message m : e.messages()) {
            (m.role() == Role.ASSISTANT ? answer : prompt).append(m.text()).append('\n');
        }
        d.add(new TextField(PROMPT, prompt.toString(), Field.Store.NO));
        d.add(new TextField(ANSWER, answer.toString(), Field.Store.NO));
        return d;
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
            analyzer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.chameleon.workbench.web.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart drawn as SVG text on the server (no chart script in the browser bundle): axes with five
 * ticks each (x ticks at whole numbers: the x axis is steps), one polyline per series, and a legend. Long series
 * are thinned to about one point per pixel.
 */
final class LineChart {

    /** One line: its name in the legend, a CSS colour, and its points (x ascending). */
    record Series(String name, String colour, double[] x, double[] y) {
    }

    /** Distinct colours for up to eight lines (Tableau 10). */
    static final List<String> PALETTE = List.of("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#9c755f");

    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 26;
    private static final int BOTTOM = 30;

    private LineChart() {
    }

    /** The chart as an {@code <svg>} element; a chart with no points says "no data yet". */
    static String svg(String title, String xLabel, List<Series> series, int width, int height) {
        StringBuilder s = new StringBuilder(4096);
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"%s\">",
                width, height, width, height, escape(title)));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                LEFT, escape(title)));
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series line : series) {
            for (int i = 0; i < line.x().length; i++) {
                if (Double.isFinite(line.y()[i])) {
                    xMin = Math.min(xMin, line.x()[i]);
                    xMax = Math.max(xMax, line.x()[i]);
                    yMin = Math.min(yMin, line.y()[i]);
                    yMax = Math.max(yMax, line.y()[i]);
                }
            }
        }
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#bbb\"/>", LEFT, TOP, plotW, plotH));
        if (xMin > xMax) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\" text-anchor=\"middle\">"
                    + "no data yet</text></svg>", LEFT + plotW / 2, TOP + plotH / 2));
            return s.toString();
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        double pad = (yMax - yMin) * 0.05;
        if (pad == 0) {
            pad = Math.max(Math.abs(yMax) * 0.05, 1e-6);
        }
        yMin -= pad;
        yMax += pad;
        List<String> yLabels = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            yLabels.add(number(yMin + (yMax - yMin) * i / 4));
        }
        if (yLabels.stream().anyMatch(l -> l.contains("e"))) {
            yLabels.replaceAll(l -> String.format(Locale.ROOT, "%.2e", Double.parseDouble(l)));
        }
        for (int i = 0; i <= 4; i++) {
            double py = TOP + plotH - plotH * (double) i / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    LEFT, py, LEFT + plotW, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 4, py + 4, yLabels.get(i)));
        }
        // Steps are whole numbers: ticks at up to five distinct integers.
        java.util.TreeSet<Long> xTicks = new java.util.TreeSet<>();
        for (int i = 0; i <= 4; i++) {
            xTicks.add(Math.round(xMin + (xMax - xMin) * i / 4));
        }
        for (long xv : xTicks) {
            double px = LEFT + plotW * (xv - xMin) / (xMax - xMin);
            if (px >= LEFT - 0.5 && px <= LEFT + plotW + 0.5) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>",
                        px, TOP + plotH + 14, xv));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>",
                LEFT + plotW / 2, height - 3, escape(xLabel)));
        int legendX = LEFT + plotW - 4;
        int legendY = TOP + 12;
        for (Series line : series) {
            List<String> points = new ArrayList<>();
            int stride = Math.max(1, line.x().length / Math.max(1, plotW));
            for (int i = 0; i < line.x().length; i++) {
                boolean keep = i % stride == 0 || i == line.x().length - 1;
                if (keep && Double.isFinite(line.y()[i])) {
                    double px = LEFT + plotW * (line.x()[i] - xMin) / (xMax - xMin);
                    double py = TOP + plotH - plotH * (line.y()[i] - yMin) / (yMax - yMin);
                    points.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(escape(line.colour()))
                    .append("\" data-series=\"").append(escape(line.name())).append("\" points=\"")
                    .append(String.join(" ", points)).append("\"/>");
            if (series.size() > 1) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">%s</text>",
                        legendX, legendY, escape(line.colour()), escape(line.name())));
                legendY += 13;
            }
        }
        return s.append("</svg>").toString();
    }

    /** Tick labels: three significant digits, scientific for very small or large values. */
    static String number(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        String t = String.format(Locale.ROOT, "%.3g", v);
        if (t.contains(".") && !t.contains("e")) {
            t = t.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return t;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

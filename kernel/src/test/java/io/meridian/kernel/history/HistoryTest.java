package io.meridian.kernel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private final History history = new History();

    HistoryTest() {
        history.add(1, "int a = 1;", null);
        history.add(2, "a + 1", "2");
        history.add(3, "a + 1", "2");
        history.add(4, "\"x\".repeat(3)", "\"xxx\"");
    }

    @Test
    void tailReturnsTheLastCellsInOrder() {
        assertEquals(List.of(3, 4), history.tail(2).stream().map(History.Entry::line).toList());
    }

    @Test
    void rangeStopIsExclusiveAndSessionZeroMeansThisSession() {
        assertEquals(List.of(2, 3), history.range(0, 2, 4).stream().map(History.Entry::line).toList());
        assertEquals(List.of(), history.range(7, 1, 4));
    }

    @Test
    void searchMatchesWholeInputAgainstAGlobWithUniqueAndLimit() {
        assertEquals(2, history.search("a + ?", 0, false).size());
        assertEquals(List.of(3), history.search("a*", 0, true).stream()
                .filter(e -> e.input().equals("a + 1")).map(History.Entry::line).toList());
        assertEquals(List.of(4), history.search("*", 1, false).stream().map(History.Entry::line).toList());
        assertEquals(0, history.search("a", 0, false).size());
    }
}

package org.voxelforge.core.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test void parsesEveryKindOfValueAndKeepsKeyOrder() {
        Object v = Json.parse("{\"b\": [1, -2.5e3, true, false, null], \"a\": {\"s\": \"x\\ny\\u00e9\\\"\"}, \"big\": 12345678901234567890}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a", "big"), List.copyOf(m.keySet()));
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, b.get(0));
        assertEquals(-2500.0, b.get(1));
        assertEquals(Boolean.TRUE, b.get(2));
        assertNull(b.get(4));
        assertEquals("x\nyé\"", ((Map<?, ?>) m.get("a")).get("s"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e4);
    }

    @Test void roundTripsCompactAndPretty() {
        String src = "{\"task\":\"brats\",\"n\":3,\"x\":0.5,\"l\":[1,2],\"o\":{\"k\":[{\"a\":null}]}}";
        Object v = Json.parse(src);
        assertEquals(src, Json.write(v));
        assertEquals(v, Json.parse(Json.writePretty(v)));
    }

    @Test void errorsNameTheSourceLineAndColumn() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\n  \"a\": [1, 2,, 3]\n}", "dataset.json"));
        assertTrue(e.getMessage().startsWith("dataset.json: invalid JSON at line 2, column 14"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]", "f.json"));
    }
}

package io.mlforge.sandbox.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded mutations of a valid manifest (as parsed YAML: maps, lists, scalars) the way bad input arrives: a value of the
 * wrong type, a number out of bounds, a field missing, a field that does not exist, a huge string, unusual unicode,
 * an object near etcd's 1.5 MB limit. Only {@code spec} and annotations are touched, so the manifest stays
 * addressable (kind, name) and every rejection is about its content.
 */
final class ManifestMutator {
    /** A place in the tree: the container and the key (a String for maps, an Integer for lists). */
    private record Slot(Object container, Object key) {
        Object get() {
            return container instanceof Map<?, ?> m ? m.get(key) : ((List<?>) container).get((Integer) key);
        }

        @SuppressWarnings("unchecked")
        void set(Object value) {
            if (container instanceof Map<?, ?> m) {
                ((Map<Object, Object>) m).put(key, value);
            } else {
                ((List<Object>) container).set((Integer) key, value);
            }
        }

        void remove() {
            if (container instanceof Map<?, ?> m) {
                m.remove(key);
            } else {
                ((List<?>) container).remove((int) (Integer) key);
            }
        }
    }

    private final Random random;

    ManifestMutator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** Applies one to three mutations to {@code manifest} in place; returns their descriptions. */
    List<String> mutate(Map<String, Object> manifest) {
        List<String> done = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            done.add(mutateOnce(manifest));
        }
        return done;
    }

    @SuppressWarnings("unchecked")
    private String mutateOnce(Map<String, Object> manifest) {
        Object spec = manifest.get("spec");
        List<Slot> slots = new ArrayList<>();
        collect(spec, slots);
        if (slots.isEmpty()) {
            return "nothing to mutate";
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        Object value = slot.get();
        switch (random.nextInt(7)) {
            case 0 -> {
                Object other = value instanceof String
                        ? (Object) (long) random.nextInt(100_000)
                        : value instanceof Number
                                ? "not-a-number"
                                : value instanceof Boolean ? "yes" : value instanceof List<?> ? "a-string" : 42;
                slot.set(other);
                return "type of " + slot.key() + " to " + other.getClass().getSimpleName();
            }
            case 1 -> {
                Object[] bounds = {-1, 0, 2_147_483_648L, 1e15, 0.5, -0.0001};
                Object bound = bounds[random.nextInt(bounds.length)];
                slot.set(bound);
                return slot.key() + " = " + bound;
            }
            case 2 -> {
                slot.remove();
                return "removed " + slot.key();
            }
            case 3 -> {
                Object container = slot.container() instanceof Map<?, ?> ? slot.container() : spec;
                ((Map<String, Object>) container).put("unknownField" + random.nextInt(100), "surprise");
                return "unknown field";
            }
            case 4 -> {
                slot.set("x".repeat(64 * 1024 + random.nextInt(256 * 1024)));
                return "huge string in " + slot.key();
            }
            case 5 -> {
                String[] odd = {
                    "模型-训练",
                    "emoji-\uD83D\uDE80",
                    "rtl-\u202Eevil",
                    "zero\u200Bwidth",
                    "tab\tand\nnewline",
                    "nul-\u0000-byte",
                    "ñandú-Ωmega"
                };
                String s = odd[random.nextInt(odd.length)];
                slot.set(s);
                return "unicode in " + slot.key();
            }
            default -> {
                // near etcd's 1.5 MB object limit: in a spec string (annotations are capped at 256 KB in total)
                slot.set("b".repeat(1_300_000 + random.nextInt(300_000)));
                return "object near 1.5 MB through " + slot.key();
            }
        }
    }

    /** Every non-root place under {@code node}. */
    private static void collect(Object node, List<Slot> slots) {
        if (node instanceof Map<?, ?> map) {
            for (Object key : List.copyOf(map.keySet())) {
                slots.add(new Slot(map, key));
                collect(map.get(key), slots);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                slots.add(new Slot(list, i));
                collect(list.get(i), slots);
            }
        }
    }
}

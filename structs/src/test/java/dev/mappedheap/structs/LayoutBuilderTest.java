package dev.mappedheap.structs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A layout is declared once; mistakes in the declaration are refused when it is built. */
class LayoutBuilderTest {

    @Test
    void theTypeTagIsTheFnv1aHashOfTheNameUnlessGiven() {
        // FNV-1a 32 of "a" is 0xe40c292c (the published test vector)
        assertThat(StructLayout.typeTagOf("a")).isEqualTo(0xe40c292c);
        assertThat(StructLayout.builder("a", 1).build().typeTag()).isEqualTo(0xe40c292c);
        assertThat(StructLayout.builder("a", 1).typeTag(42).build().typeTag()).isEqualTo(42);
    }

    @Test
    void eachVersionIsAsLongAsItsLastField() {
        StructLayout layout = StructLayout.builder("V", 4).int8("a").since(3).int64("b").since(4).build();
        assertThat(layout.sizeOfVersion(1)).isEqualTo(17);
        assertThat(layout.sizeOfVersion(2)).isEqualTo(17);
        assertThat(layout.sizeOfVersion(3)).isEqualTo(32);
        assertThat(layout.sizeOfVersion(4)).isEqualTo(32);
        assertThat(StructLayout.builder("Empty", 1).build().size()).isEqualTo(StructHeaderLayout.HEADER_LENGTH);
        assertThatThrownBy(() -> layout.sizeOfVersion(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.sizeOfVersion(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mistakesInTheDeclarationAreRefused() {
        assertThatThrownBy(() -> StructLayout.builder("D", 1).int32("x").int64("x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate field");
        assertThatThrownBy(() -> StructLayout.builder("S", 3).since(3).since(2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("since");
        assertThatThrownBy(() -> StructLayout.builder("S", 2).since(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructLayout.builder("O", 2).oldestReadableVersion(3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructLayout.builder("V", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructLayout.builder("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructLayout.builder("F", 1).bytes("none", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructLayout.builder("T", 1).typeTag(BlobLayout.KIND_UTF8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> StructLayout.builder("Huge", 1).bytes("a", Integer.MAX_VALUE - 100)
                .bytes("b", 1000).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void fieldLookupsNameWhatIsWrong() {
        StructLayout layout = StructLayout.builder("L", 1).int32("count").build();
        assertThat(layout.field("count", IntField.class).kind()).isEqualTo(FieldKind.INT);
        assertThat(layout.field("count", Field.class).toString()).isEqualTo("L.count");
        assertThatThrownBy(() -> layout.field("missing", IntField.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field=missing")
                .hasMessageContaining("[count]");
        assertThatThrownBy(() -> layout.field("count", LongField.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind=INT")
                .hasMessageContaining("requested=LongField");
    }
}

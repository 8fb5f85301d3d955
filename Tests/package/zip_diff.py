"""Where two bootstrap zips differ: sizes, then the differing bytes counted per ELF section of the first binary.

Tests/package/package-test.sh prints this when its reproducibility check fails, so the failure names the section
(and so whether the compiler, the linker or scripts/package let something vary). Usage: zip_diff.py A.zip B.zip
"""
import subprocess
import sys
import tempfile
import zipfile


def sections(binary):
    """(name, file offset, size) of each section, from `readelf -SW`."""
    with tempfile.NamedTemporaryFile() as elf:
        elf.write(binary)
        elf.flush()
        table = subprocess.run(["readelf", "-SW", elf.name], capture_output=True, text=True, check=True).stdout
    found = []
    for line in table.splitlines():
        # "  [12] .text  PROGBITS  00000000000c3100 0c3100 5d079e 00  AX  0   0 64"
        head, _, rest = line.partition("]")
        fields = rest.split()
        if head.strip().lstrip("[").strip().isdigit() and len(fields) >= 5:
            found.append((fields[0], int(fields[3], 16), int(fields[4], 16)))
    return found


def main(first, second):
    a, b = (zipfile.ZipFile(path).read("bootstrap") for path in (first, second))
    print("sizes: %d and %d bytes" % (len(a), len(b)))
    table = sections(a)
    counts = {}
    for offset in range(min(len(a), len(b))):
        if a[offset] != b[offset]:
            name = next((n for n, start, size in table if start <= offset < start + size), "(no section)")
            counts[name] = counts.get(name, 0) + 1
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        print("%d bytes differ in %s" % (count, name))


if __name__ == "__main__":
    main(*sys.argv[1:3])

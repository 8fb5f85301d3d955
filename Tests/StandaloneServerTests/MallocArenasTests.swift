import Testing

@testable import StandaloneServer

@Suite struct MallocArenasTests {
    @Test func twoArenasPerCore() {
        #expect(MallocArenas.limit(environment: [:], cores: 2) == 4)
        #expect(MallocArenas.limit(environment: ["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"], cores: 8) == 16)
        #expect(MallocArenas.limit(environment: [:], cores: 0) == 2)
    }

    @Test func anOperatorsSettingIsLeftToGlibc() {
        #expect(MallocArenas.limit(environment: ["MALLOC_ARENA_MAX": "8"], cores: 2) == nil)
        #expect(MallocArenas.limit(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"], cores: 2) == nil)
    }
}

# The benchmark's smoke run: every contender on a tiny database, each restore checked; no timings asserted.
Describe 'build.ps1 -Task Bench, smoke size' {
    It 'measures ours and both peers, both ways, to both stores, plain and encrypted, and every restore checks out' {
        $script = Join-Path $PSScriptRoot '../bench/Invoke-Benchmark.ps1'
        $output = & $script -Smoke *>&1 | Out-String
        $table = Get-Content -Raw (Join-Path $PSScriptRoot '../../out/bench-smoke/latest.md')
        foreach ($row in '\| backup \| folder \|', '\| backup \| s3 \|', '\| restore \| folder \|', '\| restore \| s3 \|') { $table | Should -Match $row }
        # Encrypted with age, to a folder, against gzip | age and age -d | gunzip.
        $table | Should -Match '\| backup-age \| folder \| [\d.]+ \([\d.-]+\) \| - \| [\d.]+ \|'
        $table | Should -Match '\| restore-age \| folder \| [\d.]+ \([\d.-]+\) \| - \| [\d.]+ \|'
        # bunqueue's built-in backup is S3-only; the manual path runs to both stores.
        $table | Should -Match '\| backup \| s3 \| [\d.]+ \([\d.-]+\) \| [\d.]+ \| [\d.]+ \|'
        $table | Should -Match '\| bunqueue \(' # the workload a real bunqueue server wrote
        # Opt-in zstd, to both stores, against the gzip peers.
        foreach ($row in '\| backup-zstd \| folder \|', '\| backup-zstd \| s3 \|', '\| restore-zstd \| folder \|', '\| restore-zstd \| s3 \|') { $table | Should -Match $row }
        # One backup to a folder and s3rver at once, against ours to the slower one alone.
        $table | Should -Match '\| backup-fanout \| folder\+s3 \| [\d.]+ \([\d.-]+\) \| - \| - \| [\d.]+ \(ours to (folder|s3) alone\) \|'
        # The mixed-payload workload (about 3:1), every operation to both stores.
        foreach ($row in '\| 4MB-mixed \([\d,]+ B\) \| backup \| folder \|', '\| 4MB-mixed \([\d,]+ B\) \| restore \| s3 \|', '\| 4MB-mixed \([\d,]+ B\) \| restore-age \| folder \|') { $table | Should -Match $row }
        $output | Should -Not -Match 'is wrong'
    }
}

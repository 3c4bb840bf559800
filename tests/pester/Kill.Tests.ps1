# Kill -9 between every step of a restore and of a backup: the live database is always the old one
# or the new one, intact; no partial backup ever lists; the next run succeeds and leaves nothing behind.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 300 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'
    $script:backup = New-BqBackup -Path $db -Destination $dest
    $script:oldDb = Join-Path $TestDrive 'old.db'
    New-SampleDatabase -Path $oldDb -Jobs 120 | Out-Null
    $script:oldSha = Get-FileSha256 $oldDb

    # Runs a command in a child pwsh that kills itself (as kill -9 would) at the named step.
    function Invoke-KilledAt([string] $Step, [string] $Command) {
        Invoke-WithEnvironment @{ BQBACKUP_KILL_AT = $Step } { Invoke-ChildPwsh $Command } | Out-Null
    }
}

Describe 'A restore killed at <Step>' -ForEach @(
    @{ Step = 'restore-fetched' }, @{ Step = 'restore-verified' }, @{ Step = 'restore-database-kept' },
    @{ Step = 'restore-moved-wal' }, @{ Step = 'restore-moved-shm' }, @{ Step = 'restore-renamed' }
) {
    BeforeAll {
        $script:liveDir = New-Item -ItemType Directory (Join-Path $TestDrive "live-$Step")
        $script:live = Join-Path $liveDir 'queue.db'
        Copy-Item $oldDb $live
        # Companions as a crashed server leaves them, so the steps that move them aside run.
        Copy-Item $oldDb "$live-wal"; Set-Content "$live-wal" -Value '' -NoNewline
        Set-Content "$live-shm" -Value '' -NoNewline
        Invoke-KilledAt $Step "Restore-BqBackup -Path '$live' -Destination '$dest' -Latest -Confirm:`$false"
    }

    It 'was really killed there (the restore did not finish cleanly)' {
        Get-ChildItem -Force $liveDir -Filter '.*bqrestore*' | Should -Not -BeNullOrEmpty
    }

    It 'left the live database either the old one or the new one, intact' {
        Test-Path $live | Should -BeTrue
        (Get-FileSha256 $live) | Should -BeIn @($oldSha, $backup.Sha256)
        sqlite3 $live 'PRAGMA integrity_check' | Should -Be 'ok'
    }

    It 'lets the next restore succeed and leave no temp file behind' {
        $result = Restore-BqBackup -Path $live -Destination $dest -Latest -Confirm:$false
        $result.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $live | Should -Be $backup.Sha256
        Get-ChildItem -Force $liveDir -Filter '.*' | Should -BeNullOrEmpty
        Get-ChildItem $liveDir -Filter 'queue.db.corrupted-*' | Should -Not -BeNullOrEmpty
    }
}

Describe 'A backup killed at <Step>' -ForEach @(
    @{ Step = 'backup-snapshot-taken' }, @{ Step = 'backup-body-written' }, @{ Step = 'backup-sidecar-written' }
) {
    BeforeAll {
        $script:killDest = Join-Path $TestDrive "killed-$Step"
        $script:tmp = New-Item -ItemType Directory (Join-Path $TestDrive "tmp-$Step")
        Invoke-WithEnvironment @{ TMPDIR = $tmp.FullName } { Invoke-KilledAt $Step "New-BqBackup -Path '$db' -Destination '$killDest'" }
    }

    It 'lists no backup' {
        if (Test-Path $killDest) { Get-BqBackup -Destination $killDest | Should -BeNullOrEmpty }
    }

    It 'lets the next backup succeed, restorable, and clears the killed run''s scratch folder' {
        # The killed runtime also leaves its own diagnostic pipes in TMPDIR; only ours are ours to clean.
        (Get-ChildItem -Force $tmp -Filter 'bqbackup-*') | Should -Not -BeNullOrEmpty   # what the kill left
        $next = Invoke-WithEnvironment @{ TMPDIR = $tmp.FullName } { New-BqBackup -Path $db -Destination $killDest }
        (Get-BqBackup -Destination $killDest).Name | Should -Be $next.Name
        (Test-BqBackup -Destination $killDest -Latest).Passed | Should -BeTrue
        Get-ChildItem -Force $tmp -Filter 'bqbackup-*' | Should -BeNullOrEmpty
    }
}

Describe 'A backup killed after its commit' {
    It 'is a complete backup' {
        $killDest = Join-Path $TestDrive 'killed-after-commit'
        Invoke-KilledAt 'backup-committed' "New-BqBackup -Path '$db' -Destination '$killDest'"
        (Test-BqBackup -Destination $killDest -Latest).Passed | Should -BeTrue
    }
}

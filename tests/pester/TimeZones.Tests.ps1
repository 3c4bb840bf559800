# Times on the command line are the operator's local time; retention periods are UTC days, weeks
# and months whatever the machine's zone. Each case runs in a fresh pwsh under another TZ.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 20 | Out-Null
    $script:dest = Join-Path $TestDrive 'tz'
    $seed = New-BqBackup -Path $db -Destination $dest
    foreach ($t in '2026-03-31T23:30:00', '2026-04-01T00:30:00', '2026-04-01T12:00:00', '2026-04-06T00:01:00') {
        Copy-BackupAsOf -Backup $seed -TimestampUtc ([datetime]::SpecifyKind([datetime]$t, 'Utc')) | Out-Null
    }
    Remove-Item (Join-Path $dest "$($seed.Name)*")
}

Describe 'In time zone <Zone>' -ForEach @(
    @{ Zone = 'Asia/Tokyo'; LocalAt = '2026-04-01 09:45'; Picked = 'backup-2026-04-01T00-30-00.db.gz' }
    @{ Zone = 'America/Los_Angeles'; LocalAt = '2026-03-31 17:00'; Picked = 'backup-2026-03-31T23-30-00.db.gz' }
    @{ Zone = 'UTC'; LocalAt = '2026-04-01 11:59'; Picked = 'backup-2026-04-01T00-30-00.db.gz' }
) {
    It '-At takes local time and picks the newest backup at or before it' {
        $out = Invoke-WithEnvironment @{ TZ = $Zone } { Invoke-ChildPwsh "(Get-BqBackup -Destination '$dest' -At ([datetime]'$LocalAt')).Name" }
        $out.Trim() | Should -Be $Picked
    }

    It 'a UTC time stays UTC' {
        $out = Invoke-WithEnvironment @{ TZ = $Zone } { Invoke-ChildPwsh "(Get-BqBackup -Destination '$dest' -At ([datetime]::SpecifyKind([datetime]'2026-04-01 00:45', 'Utc'))).Name" }
        $out.Trim() | Should -Be 'backup-2026-04-01T00-30-00.db.gz'
    }

    It '-KeepDaily counts UTC days, not local ones' {
        $out = Invoke-WithEnvironment @{ TZ = $Zone } {
            Invoke-ChildPwsh "(Get-BqBackupRetention -Destination '$dest' -KeepDaily 3 | Where-Object Action -eq 'Remove').Name"
        }
        # UTC days 04-06, 04-01 and 03-31 each keep their newest: only 04-01T00:30 goes.
        # (Only the names it output count.)
        ($out -split "`r?`n" | Where-Object { $_ -match '^backup-' }) | Should -Be 'backup-2026-04-01T00-30-00.db.gz'
    }
}

# A backup stamped in the future (taken while a clock ran ahead) is flagged, never picked by
# -Latest or -At, kept by expiry without taking a slot, and makes the health a Warning.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 100 | Out-Null
    $script:dest = Join-Path $TestDrive 'skewed'
    New-BqBackup -Path $db -Destination $dest -CompressionLevel Fastest | Out-Null
    $script:real = New-BqBackup -Path $db -Destination $dest
    $script:future = Copy-BackupAsOf -Backup $real -TimestampUtc ([datetime]::UtcNow.AddDays(2).AddHours(1))
}

Describe 'A backup stamped in the future' {
    It 'lists first, with Status FutureTimestamp, and the table says how far ahead it is' {
        $listed = @(Get-BqBackup -Destination $dest)
        $listed[0].Name | Should -Be $future
        $listed[0].Status | Should -Be 'FutureTimestamp'
        $listed[0].TimestampInFuture | Should -BeTrue
        $old = $PSStyle.OutputRendering
        $PSStyle.OutputRendering = 'PlainText'
        try { $table = $listed | Format-Table | Out-String -Width 250 } finally { $PSStyle.OutputRendering = $old }
        $table | Should -Match "$([regex]::Escape($future))\s+in 2\.\d d\s.*FutureTimestamp"
    }

    It 'is never -Latest nor picked by -At; Get-BqBackup -Latest warns that it passed it over' {
        (Get-BqBackup -Destination $dest -Latest -WarningVariable w -WarningAction SilentlyContinue).Name | Should -Be $real.Name
        "$w" | Should -Match 'stamped in the future'
        (Get-BqBackup -Destination $dest -At ([datetime]::UtcNow.AddDays(30)) -WarningAction SilentlyContinue).Name | Should -Be $real.Name
        (Test-BqBackup -Destination $dest -Latest -WarningAction SilentlyContinue).Name | Should -Be $real.Name
    }

    It 'restores by name, its checksum verified' {
        $result = Test-BqBackup -Destination $dest -Name $future
        $result.Passed | Should -BeTrue
        $result.ChecksumVerified | Should -BeTrue
    }

    It 'is kept by expiry, which says why, and takes no -KeepLast slot' {
        $decisions = @(Remove-BqBackupExpired -Destination $dest -KeepLast 1 -WhatIf)
        $skewed = $decisions | Where-Object Name -eq $future
        $skewed.Action | Should -Be 'Keep'
        $skewed.Reason | Should -Match 'clock skew'
        ($decisions | Where-Object Name -eq $real.Name).Action | Should -Be 'Keep'
        @($decisions | Where-Object Action -eq 'Remove').Count | Should -Be 1
    }

    It 'makes Get-BqBackupStatus a Warning with the reason, the newest real backup standing for the last' {
        $s = Get-BqBackupStatus -Destination $dest
        $s.Status | Should -Be 'Warning'
        $s.ExitCode | Should -Be 1
        $s.LastBackupName | Should -Be $real.Name
        $s.LastBackupAge | Should -BeGreaterThan ([timespan]::Zero)
        $s.FutureBackupCount | Should -Be 1
        "$($s.Reasons)" | Should -Match "clock skew: 1 backup\(s\) stamped in the future, up to '$([regex]::Escape($future))'"
        (Get-BqBackupStatus -Destination $dest -AsPrometheus) | Should -Match '(?m)^bqbackup_future_backups\{[^}]*\} 1$'
    }
}

Describe 'A status record whose last failure is stamped in the future' {
    It 'is a Warning that names it, not a failed last attempt' {
        $d = Join-Path $TestDrive 'record'
        New-BqBackup -Path $db -Destination $d | Out-Null
        $record = Get-Content -Raw (Join-Path $d 'bqbackup-status.json') | ConvertFrom-Json
        $record.lastFailure = [datetime]::UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")
        $record.lastFailureErrorId = 'StoreError'
        $record.lastFailureMessage = 'written while the clock ran a day ahead'
        $record | ConvertTo-Json | Set-Content (Join-Path $d 'bqbackup-status.json')
        $s = Get-BqBackupStatus -Destination $d
        $s.Status | Should -Be 'Warning'
        $s.LastAttemptFailed | Should -BeFalse
        "$($s.Reasons)" | Should -Match "clock skew: the status record's last failure"
    }
}

# Remove-BqBackup, Get-BqBackupRetention and Remove-BqBackupExpired's output, as an operator
# types them: pipelines from Get-BqBackup, -WhatIf and $WhatIfPreference, -Confirm:$false, -PassThru.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 30 | Out-Null
    $script:theirsName = 'bunqueue-2026-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db'

    # Every file in the folder: name, size and SHA-256.
    function Get-FolderState([string] $Folder) {
        Get-ChildItem -Force -Recurse -File $Folder | Sort-Object FullName | ForEach-Object { '{0} {1} {2}' -f $_.FullName, $_.Length, (Get-FileSha256 $_.FullName) }
    }

    # A destination with the newest backup, two older ones and one of bunqueue's own.
    function New-Destination {
        $dest = Join-Path $TestDrive ("verbs-" + [guid]::NewGuid().ToString('N'))
        $seed = New-BqBackup -Path $db -Destination $dest
        $now = [datetime]::UtcNow
        [pscustomobject]@{
            Path   = $dest
            Seed   = $seed
            Old    = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-10)
            Older  = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-20)
            Theirs = $(Copy-Item (Join-Path $dest $seed.Name) (Join-Path $dest $theirsName); $theirsName)
        }
    }
}

Describe 'Remove-BqBackup' {
    BeforeEach { $script:d = New-Destination }

    It 'Get-BqBackup | Remove-BqBackup -Confirm:$false removes the piped backups with their sidecars and outputs nothing' {
        $out = Get-BqBackup -Destination $d.Path -Name 'backup-*' | Where-Object Name -ne $d.Seed.Name | Remove-BqBackup -Confirm:$false
        $out | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $d.Path).Name | Should -Be $d.Seed.Name, $d.Theirs
        Get-ChildItem $d.Path -Filter "$($d.Old)*" | Should -BeNullOrEmpty
        Get-ChildItem $d.Path -Filter "$($d.Older)*" | Should -BeNullOrEmpty
    }

    It '-PassThru outputs each backup removed' {
        $removed = Remove-BqBackup -Destination $d.Path -Name $d.Old, $d.Older -Confirm:$false -PassThru
        $removed | ForEach-Object { $_ | Should -BeOfType ([BqBackup.BackupInfo]) }
        $removed.Name | Sort-Object | Should -Be (@($d.Old, $d.Older) | Sort-Object)
    }

    It '-WhatIf changes nothing and says what it would remove' {
        $before = Get-FolderState $d.Path
        Get-BqBackup -Destination $d.Path -Name 'backup-*' | Remove-BqBackup -WhatIf | Should -BeNullOrEmpty
        Remove-BqBackup -Destination $d.Path -Name * -WhatIf -IncludeBunqueueBackups | Should -BeNullOrEmpty
        Get-FolderState $d.Path | Should -Be $before
        $out = Invoke-ChildPwsh "Remove-BqBackup -Destination '$($d.Path)' -Name '$($d.Old)' -WhatIf"
        $out | Should -Match "What if: Performing the operation `"Remove backup and its sidecar`" on target `"$([regex]::Escape($d.Old))"
        Get-FolderState $d.Path | Should -Be $before
    }

    It '$WhatIfPreference = $true changes nothing' {
        $before = Get-FolderState $d.Path
        $WhatIfPreference = $true
        try { Remove-BqBackup -Destination $d.Path -Name 'backup-*' -PassThru | Should -BeNullOrEmpty } finally { $WhatIfPreference = $false }
        Get-FolderState $d.Path | Should -Be $before
    }

    It 'asks first (ConfirmImpact High): a host that cannot ask removes nothing' {
        $before = Get-FolderState $d.Path
        $out = Invoke-ChildPwsh "Remove-BqBackup -Destination '$($d.Path)' -Name '$($d.Old)'"
        Get-FolderState $d.Path | Should -Be $before
        $out | Should -Not -BeNullOrEmpty
    }

    It 'takes wildcards as Get-BqBackup does, and leaves bunqueue''s own backups a wildcard matches alone' {
        $verbose = Remove-BqBackup -Destination $d.Path -Name * -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        (Get-BqBackup -Destination $d.Path).Name | Should -Be $d.Theirs
        "$verbose" | Should -Match "Left '$([regex]::Escape($d.Theirs))' alone"
    }

    It 'a bunqueue backup named or piped is BunqueueBackupProtected, the others still go; -IncludeBunqueueBackups removes it' {
        $errs = @()
        Get-BqBackup -Destination $d.Path -Name $d.Theirs, $d.Old | Remove-BqBackup -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'BunqueueBackupProtected,BqBackup.Commands.RemoveBqBackupCommand'
        $errs[0].TargetObject | Should -Be $d.Theirs
        $errs[0].ErrorDetails.RecommendedAction | Should -Match '-IncludeBunqueueBackups'
        (Get-BqBackup -Destination $d.Path).Name | Should -Not -Contain $d.Old

        Remove-BqBackup -Destination $d.Path -Name $d.Theirs -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'BunqueueBackupProtected,BqBackup.Commands.RemoveBqBackupCommand'

        (Remove-BqBackup -Destination $d.Path -Name $d.Theirs -IncludeBunqueueBackups -Confirm:$false -PassThru).Name | Should -Be $d.Theirs
        Test-Path (Join-Path $d.Path $d.Theirs) | Should -BeFalse
    }

    It 'a name that matches nothing is BackupNotFound, non-terminating, and the other names still go' {
        $errs = @()
        $removed = Remove-BqBackup -Destination $d.Path -Name 'backup-1999-01-01T00-00-00.db.gz', $d.Old -Confirm:$false -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        $removed.Name | Should -Be $d.Old
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.RemoveBqBackupCommand'
    }

    It 'a piped backup already gone is BackupNotFound' {
        $gone = Get-BqBackup -Destination $d.Path -Name $d.Old
        Remove-Item (Join-Path $d.Path "$($d.Old)*")
        $errs = @()
        $gone | Remove-BqBackup -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.RemoveBqBackupCommand'
    }

    It 'a delete the store does not carry out is RemoveFailed for that backup' -Skip:($IsWindows -or (& id -u) -eq '0') {
        # A read-only folder: the delete fails, the backup is still there.
        chmod 555 $d.Path
        try {
            $errs = @()
            Remove-BqBackup -Destination $d.Path -Name $d.Old -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeIn @('RemoveFailed,BqBackup.Commands.RemoveBqBackupCommand', 'DestinationNotWritable,BqBackup.Commands.RemoveBqBackupCommand')
            $errs[0].Exception | Should -BeOfType ([BqBackup.BqBackupException])
        }
        finally { chmod 755 $d.Path }
        (Get-BqBackup -Destination $d.Path).Name | Should -Contain $d.Old
    }
}

Describe 'Remove-BqBackupExpired: nothing by default, -PassThru the removed backups, -WhatIf only "What if"' {
    BeforeEach { $script:d = New-Destination }

    It 'outputs nothing by default' {
        Remove-BqBackupExpired -Destination $d.Path -RetentionDays 7 | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $d.Path).Name | Should -Be $d.Seed.Name, $d.Theirs
    }

    It '-PassThru outputs the removed BackupInfo objects' {
        $removed = Remove-BqBackupExpired -Destination $d.Path -RetentionDays 7 -PassThru
        $removed | ForEach-Object { $_ | Should -BeOfType ([BqBackup.BackupInfo]) }
        $removed.Name | Sort-Object | Should -Be (@($d.Old, $d.Older) | Sort-Object)
    }

    It '-WhatIf outputs nothing, even with -PassThru, and prints the What if lines' {
        Remove-BqBackupExpired -Destination $d.Path -RetentionDays 7 -WhatIf -PassThru | Should -BeNullOrEmpty
        $out = Invoke-ChildPwsh "Remove-BqBackupExpired -Destination '$($d.Path)' -RetentionDays 7 -WhatIf"
        $out | Should -Match "What if: .*Remove backup.*$([regex]::Escape($d.Old))"
        $out | Should -Not -Match 'Action|RetentionDecision'
        Get-BqBackup -Destination $d.Path | Should -HaveCount 4
    }
}

Describe 'Get-BqBackupRetention: the preview, every decision with its reason' {
    BeforeAll { $script:d = New-Destination }

    It 'outputs a RetentionDecision for every backup, kept and removed, and changes nothing' {
        $before = Get-FolderState $d.Path
        $decisions = Get-BqBackupRetention -Destination $d.Path -RetentionDays 7
        Get-FolderState $d.Path | Should -Be $before
        $decisions | Should -HaveCount 4
        $decisions | ForEach-Object { $_ | Should -BeOfType ([BqBackup.Retention.RetentionDecision]) }
        ($decisions | Where-Object Action -eq Remove).Name | Sort-Object | Should -Be (@($d.Old, $d.Older) | Sort-Object)
        ($decisions | Where-Object Name -eq $d.Theirs).Reason | Should -Match 'bunqueue'
        ($decisions | Where-Object Name -eq $d.Seed.Name).Reason | Should -Match 'newest'
    }

    It 'agrees with what Remove-BqBackupExpired then removes' {
        $copy = New-Destination
        $planned = (Get-BqBackupRetention -Destination $copy.Path -KeepLast 2 | Where-Object Action -eq Remove).Name
        (Remove-BqBackupExpired -Destination $copy.Path -KeepLast 2 -PassThru).Name | Should -Be $planned
    }

    It 'takes the destination from Get-BqBackupStatus by property name' {
        (Get-BqBackupStatus -Destination $d.Path | Get-BqBackupRetention -KeepLast 1 | Where-Object Keep).Name | Should -Be $d.Seed.Name, $d.Theirs
    }

    It 'with no rule uses S3_BACKUP_RETENTION days, as Remove-BqBackupExpired does' {
        $decisions = Invoke-WithEnvironment @{ S3_BACKUP_RETENTION = '15' } { Get-BqBackupRetention -Destination $d.Path }
        ($decisions | Where-Object Action -eq Remove).Name | Should -Be $d.Older
    }

    It 'refuses a bad rule as Remove-BqBackupExpired does (InvalidRetention)' {
        $e = { Get-BqBackupRetention -Destination $d.Path -KeepLast 0 } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'InvalidRetention,BqBackup.Commands.GetBqBackupRetentionCommand'
    }
}

Describe 'Get-BqBackupSchedule' -Skip:$IsWindows {
    BeforeEach {
        $script:units = Join-Path $TestDrive ("units-" + [guid]::NewGuid().ToString('N'))
        $script:dest = Join-Path $TestDrive 'schedule-backups'
        $script:six = Register-BqBackupSchedule -Name 'nightly-a' -Path $db -Destination $dest -UnitDirectory $units -NoEnable -KeepDaily 7
        $script:odd = Register-BqBackupSchedule -Name 'nightly-b' -Path $db -Destination $dest -UnitDirectory $units -NoEnable -Interval '01:45:00'
        Register-BqBackupSchedule -Name 'other' -Path $db -Destination $dest -UnitDirectory $units -NoEnable -Interval '00:15:00' | Out-Null
        # Someone else's units in the same folder are not ours to list.
        Set-Content (Join-Path $units 'foreign.timer') "[Timer]`nOnCalendar=daily"
        Set-Content (Join-Path $units 'foreign.service') "[Service]`nExecStart=/bin/true"
    }

    It 'lists what Register-BqBackupSchedule wrote, read back from the unit files, and nothing else' {
        $listed = Get-BqBackupSchedule -UnitDirectory $units
        $listed.Name | Should -Be 'nightly-a', 'nightly-b', 'other'
        $listed | ForEach-Object { $_ | Should -BeOfType ([BqBackup.Schedule.ScheduleInfo]) }
        $a = $listed | Where-Object Name -eq 'nightly-a'
        $a.Kind | Should -Be 'Systemd'
        $a.Interval | Should -Be ([timespan]::FromHours(6))
        $a.Trigger | Should -Be $six.Trigger
        $a.Files | Should -Be $six.Files
        $a.Enabled | Should -BeFalse
        $a.Command | Should -Match 'New-BqBackup .*Remove-BqBackupExpired -KeepDaily 7'
        $b = $listed | Where-Object Name -eq 'nightly-b'
        $b.Interval | Should -Be ([timespan]'01:45:00')
        $b.Trigger | Should -Be $odd.Trigger
        ($listed | Where-Object Name -eq 'other').Interval | Should -Be ([timespan]'00:15:00')
    }

    It 'takes names and wildcards; a name with nothing installed is ScheduleNotFound, non-terminating' {
        (Get-BqBackupSchedule -UnitDirectory $units -Name 'nightly*').Name | Should -Be 'nightly-a', 'nightly-b'
        Get-BqBackupSchedule -UnitDirectory $units -Name 'none*' | Should -BeNullOrEmpty
        $errs = @()
        $found = Get-BqBackupSchedule -UnitDirectory $units -Name 'missing', 'other' -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'other'
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ScheduleNotFound,BqBackup.Commands.GetBqBackupScheduleCommand'
    }

    It 'an enabled timer (linked from timers.target.wants) is Enabled' {
        $wants = New-Item -ItemType Directory (Join-Path $units 'timers.target.wants')
        New-Item -ItemType SymbolicLink -Path (Join-Path $wants 'other.timer') -Target (Join-Path $units 'other.timer') | Out-Null
        (Get-BqBackupSchedule -UnitDirectory $units -Name other).Enabled | Should -BeTrue
    }

    It 'an empty or missing folder lists nothing' {
        Get-BqBackupSchedule -UnitDirectory (Join-Path $TestDrive 'no-units') | Should -BeNullOrEmpty
    }

    It 'pipes into Unregister-BqBackupSchedule: -WhatIf changes nothing, -Confirm:$false removes those piped only' {
        $before = Get-FolderState $units
        Get-BqBackupSchedule -UnitDirectory $units -Name 'nightly*' | Unregister-BqBackupSchedule -WhatIf
        Get-FolderState $units | Should -Be $before
        Get-BqBackupSchedule -UnitDirectory $units -Name 'nightly*' | Unregister-BqBackupSchedule -Confirm:$false
        (Get-BqBackupSchedule -UnitDirectory $units).Name | Should -Be 'other'
        Test-Path (Join-Path $units 'nightly-a.service') | Should -BeFalse
        Test-Path (Join-Path $units 'foreign.timer') | Should -BeTrue
    }

    It 'Register-BqBackupSchedule -NoEnable output pipes into Unregister-BqBackupSchedule too' {
        Register-BqBackupSchedule -Name 'piped' -Path $db -Destination $dest -UnitDirectory $units -NoEnable | Unregister-BqBackupSchedule -Confirm:$false
        Test-Path (Join-Path $units 'piped.timer') | Should -BeFalse
    }
}

# Get-BqBackupStatus: backup health a scheduled task or a monitoring agent can alert on.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 100 | Out-Null
}

Describe 'Get-BqBackupStatus' {
    BeforeEach { $script:dest = Join-Path $TestDrive ("status-" + [guid]::NewGuid().ToString('N')) }

    It 'has its parameters' -ForEach @(
        @{ Name = 'Destination'; Type = 'string[]' }, @{ Name = 'Interval'; Type = 'timespan' },
        @{ Name = 'SizeAnomalyFactor'; Type = 'double' }, @{ Name = 'AsPrometheus'; Type = 'switch' }
    ) { Get-Command Get-BqBackupStatus | Should -HaveParameter $Name -Type $Type }

    It 'is Healthy right after a backup, with its figures' {
        $b = New-BqBackup -Path $db -Destination $dest
        $s = Get-BqBackupStatus -Destination $dest
        $s.Status | Should -Be 'Healthy'
        $s.ExitCode | Should -Be 0
        $s.LastBackupName | Should -Be $b.Name
        $s.LastBackupSize | Should -Be $b.Size
        $s.BackupCount | Should -Be 1
        $s.Interval | Should -Be ([timespan]::FromHours(6))
    }

    It 'is Critical when the last attempt failed, from the record the failed backup left in the destination' {
        New-BqBackup -Path $db -Destination $dest | Out-Null
        New-BqBackup -Path (Join-Path $TestDrive 'gone.db') -Destination $dest -ErrorAction SilentlyContinue
        $s = Get-BqBackupStatus -Destination $dest
        $s.Status | Should -Be 'Critical'
        $s.ExitCode | Should -Be 2
        $s.LastFailureErrorId | Should -Be 'DatabaseNotFound'
        "$($s.Reasons)" | Should -Match 'last backup attempt failed'
        New-BqBackup -Path $db -Destination $dest | Out-Null
        (Get-BqBackupStatus -Destination $dest).Status | Should -Be 'Healthy'
    }

    It 'is Critical when the newest backup is older than twice -Interval' {
        New-BqBackup -Path $db -Destination $dest | Out-Null
        Start-Sleep -Milliseconds 1200
        $s = Get-BqBackupStatus -Destination $dest -Interval ([timespan]::FromMilliseconds(500))
        $s.Status | Should -Be 'Critical'
        "$($s.Reasons)" | Should -Match '2x the interval'
    }

    It 'reads the interval from S3_BACKUP_INTERVAL (milliseconds) as bunqueue does' {
        New-BqBackup -Path $db -Destination $dest | Out-Null
        $s = Invoke-WithEnvironment @{ S3_BACKUP_INTERVAL = '3600000' } { Get-BqBackupStatus -Destination $dest }
        $s.Interval | Should -Be ([timespan]::FromHours(1))
    }

    It '-AsPrometheus writes the text exposition format' {
        New-BqBackup -Path $db -Destination $dest | Out-Null
        $text = Get-BqBackupStatus -Destination $dest -AsPrometheus
        $text | Should -BeOfType [string]
        $text | Should -Match '(?m)^# TYPE bqbackup_status gauge$'
        $text | Should -Match ('(?m)^bqbackup_status\{destination="' + [regex]::Escape($dest) + '"\} 0$')
        $text | Should -Match '(?m)^bqbackup_backups\{.*\} 1$'
    }

    It 'an empty destination is Critical' {
        New-Item -ItemType Directory $dest | Out-Null
        (Get-BqBackupStatus -Destination $dest).Status | Should -Be 'Critical'
    }
}

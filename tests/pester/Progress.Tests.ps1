# Write-Progress on every transfer and the snapshot: bytes done of the total, the rate and the time
# left. The arithmetic is pinned on ProgressText with fixed figures; real runs check what reaches
# the progress stream.
BeforeDiscovery {
    # Each step with a progress bar, and the run (backup, restore or test) that shows it.
    $script:Steps = @(
        @{ Activity = 'Snapshot'; Of = 'backup' }
        @{ Activity = 'Backup'; Of = 'backup' }
        @{ Activity = 'Restore'; Of = 'restore' }
        @{ Activity = 'Test'; Of = 'test' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:MiB = 1MB

    # Runs a script in a fresh runspace with the module and returns its progress records.
    function Get-ProgressRecord([string] $Script, [hashtable] $Arguments) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Join-Path $PSScriptRoot '../../out/BqBackup/BqBackup.psd1')).AddStatement()
            $null = $ps.AddScript($Script)
            foreach ($k in $Arguments.Keys) { $null = $ps.AddParameter($k, $Arguments[$k]) }
            $null = $ps.Invoke()
            if ($ps.HadErrors) { throw ($ps.Streams.Error | Select-Object -First 1) }
            @($ps.Streams.Progress)
        } finally { $ps.Dispose() }
    }
}

Describe 'ProgressText: what the bar says' {
    It 'Describe: <Expected>' -ForEach @(
        @{ Completed = 1MB; Total = 4MB; Rate = 0; Expected = 'Compressing: 1.0 MiB of 4.0 MiB' }
        @{ Completed = 1MB; Total = 4MB; Rate = 2MB; Expected = 'Compressing: 1.0 MiB of 4.0 MiB, 2.0 MiB/s' }
        @{ Completed = 300MB; Total = 1.5GB; Rate = 45.5MB; Expected = 'Compressing: 300 MiB of 1.50 GiB, 45.5 MiB/s' }
        @{ Completed = 5MB; Total = 4MB; Rate = 0; Expected = 'Compressing: 4.0 MiB of 4.0 MiB' }
        @{ Completed = 1MB; Total = -1; Rate = 2MB; Expected = 'Compressing' }
    ) {
        (Invoke-BqInternal BqBackup.Formatting.ProgressText Describe @('Compressing', $Completed, $Total, $Rate)) | Should -BeExactly $Expected
    }

    It 'SecondsRemaining: <Left> bytes left at <Rate> B/s is <Expected>' -ForEach @(
        @{ Completed = 1MB; Total = 4MB; Rate = 1MB; Left = 3MB; Expected = 3 }
        @{ Completed = 1MB; Total = 4MB; Rate = 2MB; Left = 3MB; Expected = 2 }    # 1.5 s rounds up
        @{ Completed = 4MB; Total = 4MB; Rate = 1MB; Left = 0; Expected = 0 }
        @{ Completed = 1MB; Total = 4MB; Rate = 0; Left = 3MB; Expected = -1 }     # no rate yet: unknown
        @{ Completed = 1MB; Total = -1; Rate = 1MB; Left = 'unknown'; Expected = -1 }
    ) {
        (Invoke-BqInternal BqBackup.Formatting.ProgressText SecondsRemaining @($Completed, $Total, $Rate)) | Should -Be $Expected
    }

    It 'Rate: bytes over the time they took, none before 200 ms' {
        (Invoke-BqInternal BqBackup.Formatting.ProgressText Rate @(10MB, [timespan]::FromSeconds(2))) | Should -Be (5MB)
        (Invoke-BqInternal BqBackup.Formatting.ProgressText Rate @(10MB, [timespan]::FromMilliseconds(199))) | Should -Be 0
        (Invoke-BqInternal BqBackup.Formatting.ProgressText Rate @(10MB, [timespan]::FromMilliseconds(200))) | Should -Be (50MB)
        (Invoke-BqInternal BqBackup.Formatting.ProgressText Rate @(0, [timespan]::FromSeconds(2))) | Should -Be 0
    }

    It 'PercentComplete: clamped to 0..100, -1 without a total' {
        (Invoke-BqInternal BqBackup.Formatting.ProgressText PercentComplete @(1MB, 4MB)) | Should -Be 25
        (Invoke-BqInternal BqBackup.Formatting.ProgressText PercentComplete @(5MB, 4MB)) | Should -Be 100
        (Invoke-BqInternal BqBackup.Formatting.ProgressText PercentComplete @(1MB, 0)) | Should -Be -1
    }
}

Describe 'Progress of a real backup and restore (<Store>)' -ForEach @(
    @{ Store = 'folder' }
    @{ Store = 's3' }
) {
    BeforeAll {
        # Large enough that each step lasts several of the 200 ms between progress records here.
        $script:db = Join-Path $TestDrive 'progress.db'
        if (-not (Test-Path $db)) { [BqBackup.Sample.SampleDatabase]::CreateOfSize($db, 64MB, 3) | Out-Null }
        $script:s3 = @{}
        if ($Store -eq 's3') {
            $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
            $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
            $script:dest = 's3://bqtest/progress/'
        } else {
            $script:dest = Join-Path $TestDrive 'progress-backups'
        }
        $script:backupRecords = Get-ProgressRecord 'param($Path, $Destination, $S3) New-BqBackup -Path $Path -Destination $Destination @S3' @{ Path = $db; Destination = $dest; S3 = $s3 }
        $script:testRecords = Get-ProgressRecord 'param($Destination, $S3) Get-BqBackup -Destination $Destination -Latest @S3 | Test-BqBackup @S3' @{ Destination = $dest; S3 = $s3 }
        $script:restoreRecords = Get-ProgressRecord 'param($Path, $Destination, $S3) Get-BqBackup -Destination $Destination -Latest @S3 | Restore-BqBackup -Path $Path -Confirm:$false @S3' @{ Path = (Join-Path $TestDrive "restored-$Store.db"); Destination = $dest; S3 = $s3 }
    }
    AfterAll { if ($Store -eq 's3') { Stop-S3Server $server } }

    It 'reports the <Activity> step, and closes it' -ForEach $Steps {
        $records = @{ backup = $backupRecords; restore = $restoreRecords; test = $testRecords }[$Of]
        $mine = @($records | Where-Object Activity -eq $Activity)
        @($mine | Where-Object RecordType -eq 'Processing').Count | Should -BeGreaterThan 0
        @($mine | Where-Object RecordType -eq 'Completed').Count | Should -Be 1
    }

    It 'says bytes done of the total and a percentage on every <Activity> record' -ForEach $Steps {
        $records = @{ backup = $backupRecords; restore = $restoreRecords; test = $testRecords }[$Of]
        foreach ($r in @($records | Where-Object { $_.Activity -eq $Activity -and $_.RecordType -eq 'Processing' })) {
            $r.StatusDescription | Should -Match '\d(\.\d)? (B|KiB|MiB|GiB) of \d'
            $r.PercentComplete | Should -BeIn (0..100)
        }
    }

    # Records come at least 200 ms apart, the time a rate needs, so every one after the first has
    # one. Compressing 64 MiB lasts several intervals on any machine; a fast enough restore may
    # show a single record, so only the backup must show more than one.
    It 'adds the rate and the time left to every <Activity> record after the first' -ForEach @(
        @{ Activity = 'Backup'; Of = 'backup'; Least = 1 }
        @{ Activity = 'Restore'; Of = 'restore'; Least = 0 }
        @{ Activity = 'Test'; Of = 'test'; Least = 0 }
    ) {
        $records = @{ backup = $backupRecords; restore = $restoreRecords; test = $testRecords }[$Of]
        $later = @($records | Where-Object { $_.Activity -eq $Activity -and $_.RecordType -eq 'Processing' } | Select-Object -Skip 1)
        $later.Count | Should -BeGreaterOrEqual $Least
        foreach ($r in $later) {
            $r.StatusDescription | Should -Match ', \d+(\.\d+)? (B|KiB|MiB|GiB)/s$'
            $r.SecondsRemaining | Should -BeGreaterOrEqual 0
        }
    }

    if ($Store -eq 's3') {
        It 'never shows a secret' {
            ($backupRecords + $restoreRecords + $testRecords | ForEach-Object { "$($_.Activity) $($_.StatusDescription) $($_.CurrentOperation)" }) -join "`n" |
                Should -Not -Match 'S3RVER'
        }
    }
}

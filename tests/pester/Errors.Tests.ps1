BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 100 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'

    # The error a command raises with -ErrorAction Stop, for its FullyQualifiedErrorId and details.
    function Get-ErrorOf([scriptblock] $Command) {
        try { & $Command; $null } catch { $_ }
    }
}

Describe 'Bad input gets a clear error with a stable id' {
    BeforeEach {
        $script:backup = New-BqBackup -Path $db -Destination $dest
        $script:live = Join-Path $TestDrive ("live-" + [guid]::NewGuid().ToString('N') + '.db')
        Copy-Item $db $live
        $script:liveSha = Get-FileSha256 $live
    }

    It 'a missing database: DatabaseNotFound, naming the path' {
        $missing = Join-Path $TestDrive 'missing.db'
        $e = Get-ErrorOf { New-BqBackup -Path $missing -Destination $dest -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'DatabaseNotFound,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.TargetObject | Should -Be $missing
        $e.ErrorDetails.Message | Should -Match ([regex]::Escape($missing))
        $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a file that is not SQLite: NotASqliteDatabase' {
        $text = Join-Path $TestDrive 'notes.db'
        Set-Content $text ('plain text, not a database ' * 10)
        $e = Get-ErrorOf { New-BqBackup -Path $text -Destination $dest -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'NotASqliteDatabase,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a database that is not bunqueue''s: a warning, and the backup is made' {
        $other = Join-Path $TestDrive 'other.db'
        sqlite3 $other 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
        $b = New-BqBackup -Path $other -Destination $dest -WarningVariable warnings -WarningAction SilentlyContinue
        $b | Should -Not -BeNullOrEmpty
        "$warnings" | Should -Match 'does not look like a bunqueue database'
    }

    It 'one bad path in a batch is reported and the rest are backed up' {
        $results = New-BqBackup -Path $db, (Join-Path $TestDrive 'missing.db'), $db -Destination (Join-Path $TestDrive 'batch') -ErrorVariable errs -ErrorAction SilentlyContinue
        $results | Should -HaveCount 2
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'DatabaseNotFound,BqBackup.Commands.NewBqBackupCommand'
    }

    It 'a destination that cannot be written: DestinationNotWritable, and nothing lists' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content $file 'x'
        $e = Get-ErrorOf { New-BqBackup -Path $db -Destination (Join-Path $file 'sub') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'DestinationNotWritable,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'WriteError'
    }

    It 'a destination that is a file: InvalidDestination' {
        $file = Join-Path $TestDrive 'plain-file'
        Set-Content $file 'x'
        $e = Get-ErrorOf { New-BqBackup -Path $db -Destination $file -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidDestination,BqBackup.Commands.NewBqBackupCommand'
    }

    It 'listing a folder that does not exist: DestinationNotFound' {
        $e = Get-ErrorOf { Get-BqBackup -Destination (Join-Path $TestDrive 'nowhere') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'DestinationNotFound,BqBackup.Commands.GetBqBackupCommand'
    }

    It 'no destination and no S3_BUCKET: DestinationRequired' {
        $saved = $env:S3_BUCKET, $env:AWS_BUCKET
        $env:S3_BUCKET = $null; $env:AWS_BUCKET = $null
        try { $e = Get-ErrorOf { New-BqBackup -Path $db -ErrorAction Stop } } finally { $env:S3_BUCKET, $env:AWS_BUCKET = $saved }
        $e.FullyQualifiedErrorId | Should -Be 'DestinationRequired,BqBackup.Commands.NewBqBackupCommand'
    }

    It 'a name that does not exist: BackupNotFound' {
        $e = Get-ErrorOf { Get-BqBackup -Destination $dest -Name 'backup-1999-01-01T00-00-00.db.gz' -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.GetBqBackupCommand'
        $e.TargetObject | Should -Be 'backup-1999-01-01T00-00-00.db.gz'
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Name 'backup-1999-01-01T00-00-00.db.gz' -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.RestoreBqBackupCommand'
    }

    It 'a corrupt backup body: BackupCorrupt, and the live database is as it was' {
        $body = Join-Path $dest $backup.Name
        $bytes = [IO.File]::ReadAllBytes($body)
        $garbage = [byte[]]::new($bytes.Length); (New-Object Random 7).NextBytes($garbage)
        $garbage[0] = 0x1f; $garbage[1] = 0x8b; $garbage[2] = 8; $garbage[3] = 0
        [IO.File]::WriteAllBytes($body, $garbage)
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'BackupCorrupt,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'a truncated backup body: SizeMismatch, and the live database is as it was' {
        $body = Join-Path $dest $backup.Name
        $bytes = [IO.File]::ReadAllBytes($body)
        [IO.File]::WriteAllBytes($body, $bytes[0..($bytes.Length / 2)])
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'SizeMismatch,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'a checksum mismatch: ChecksumMismatch, and the live database is as it was' {
        $metaPath = Join-Path $dest "$($backup.Name).meta.json"
        (Get-Content -Raw $metaPath).Replace($backup.Sha256, ('0' * 64)) | Set-Content $metaPath
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'ChecksumMismatch,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'a missing sidecar: BackupMetadataMissing; -Force restores it checked by integrity_check' {
        Remove-Item (Join-Path $dest "$($backup.Name).meta.json")
        (Get-BqBackup -Destination $dest -Name $backup.Name).Status | Should -Be 'MissingMetadata'
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'BackupMetadataMissing,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $liveSha
        $r = Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Force -Confirm:$false -WarningAction SilentlyContinue
        $r.ChecksumVerified | Should -BeFalse
        $r.IntegrityCheck | Should -Be 'ok'
    }

    It 'a backup that is not bunqueue''s: NotABunqueueDatabase on restore' {
        $other = Join-Path $TestDrive ("other-" + [guid]::NewGuid().ToString('N') + '.db')
        sqlite3 $other 'CREATE TABLE t(x);'
        $b = New-BqBackup -Path $other -Destination (Join-Path $TestDrive 'others') -WarningAction SilentlyContinue
        $e = Get-ErrorOf { $b | Restore-BqBackup -Path $live -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'NotABunqueueDatabase,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'a restore target whose folder is missing: RestoreTargetFolderNotFound' {
        $target = Join-Path $TestDrive 'no/such/dir/queue.db'
        $e = Get-ErrorOf { Restore-BqBackup -Path $target -Destination $dest -Latest -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'RestoreTargetFolderNotFound,BqBackup.Commands.RestoreBqBackupCommand'
        $e.TargetObject | Should -Be $target
    }

    It 'a database open in another process: DatabaseInUse, naming the process' {
        $handle = [IO.File]::Open($live, 'Open', 'Read', 'ReadWrite')
        try {
            $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Latest -Confirm:$false }
        } finally { $handle.Dispose() }
        $e.FullyQualifiedErrorId | Should -Be 'DatabaseInUse,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $e.ErrorDetails.Message | Should -Match "pid $PID"
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'several backups piped to one restore: MultipleBackupsForOneTarget, nothing restored' {
        New-BqBackup -Path $db -Destination $dest | Out-Null
        $e = Get-ErrorOf { Get-BqBackup -Destination $dest | Restore-BqBackup -Path $live -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'MultipleBackupsForOneTarget,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $liveSha
    }

    It 'a zero or negative retention: InvalidRetention (<Days>)' -ForEach @(@{ Days = 0 }, @{ Days = -1 }) {
        $e = Get-ErrorOf { Remove-BqBackupExpired -Destination $dest -RetentionDays $Days }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidRetention,BqBackup.Commands.RemoveBqBackupExpiredCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -Be $Days
        Get-BqBackup -Destination $dest | Should -Not -BeNullOrEmpty
    }
}

Describe 'Nothing at or before the time asked for: NoBackupFound' {
    BeforeAll {
        $script:emptyDest = New-Item -ItemType Directory (Join-Path $TestDrive 'empty-backups')
        $script:oneDest = Join-Path $TestDrive 'one-backup'
        $script:only = New-BqBackup -Path $db -Destination $oneDest
        $script:before = $only.Timestamp.AddDays(-1)
        $script:target = Join-Path $TestDrive 'nofound.db'
    }

    It '<Command> on an empty destination, naming it' -ForEach @(
        @{ Command = 'Restore-BqBackup'; Class = 'RestoreBqBackupCommand'; Script = { Restore-BqBackup -Path $target -Destination $emptyDest -Latest -Confirm:$false -ErrorAction Stop } }
        @{ Command = 'Test-BqBackup'; Class = 'TestBqBackupCommand'; Script = { Test-BqBackup -Destination $emptyDest -Latest -ErrorAction Stop } }
    ) {
        $e = Get-ErrorOf $Script
        $e.FullyQualifiedErrorId | Should -Be "NoBackupFound,BqBackup.Commands.$Class"
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.TargetObject | Should -Be $emptyDest.FullName
        $e.ErrorDetails.Message | Should -Be "There are no backups in '$($emptyDest.FullName)'."
        $e.ErrorDetails.RecommendedAction | Should -Match 'Get-BqBackup -Destination'
        Test-Path $target | Should -BeFalse
    }

    It '<Command> -At before the first backup, naming the time' -ForEach @(
        @{ Command = 'Get-BqBackup'; Class = 'GetBqBackupCommand'; Script = { Get-BqBackup -Destination $oneDest -At $before -ErrorAction Stop } }
        @{ Command = 'Restore-BqBackup'; Class = 'RestoreBqBackupCommand'; Script = { Restore-BqBackup -Path $target -Destination $oneDest -At $before -Confirm:$false -ErrorAction Stop } }
        @{ Command = 'Test-BqBackup'; Class = 'TestBqBackupCommand'; Script = { Test-BqBackup -Destination $oneDest -At $before -ErrorAction Stop } }
    ) {
        $e = Get-ErrorOf $Script
        $e.FullyQualifiedErrorId | Should -Be "NoBackupFound,BqBackup.Commands.$Class"
        $e.TargetObject | Should -Be $before.ToUniversalTime()
        $e.ErrorDetails.Message | Should -Match "was taken at or before $($before.ToUniversalTime().ToString('yyyy-MM-dd HH:mm:ss')) UTC"
        $e.ErrorDetails.RecommendedAction | Should -Match 'later time'
        Test-Path $target | Should -BeFalse
    }

    It 'Get-BqBackup -At reports it without stopping the script (a finding, not a failure)' {
        $out = Get-BqBackup -Destination $oneDest -At $before -ErrorAction SilentlyContinue -ErrorVariable found
        $out | Should -BeNullOrEmpty
        $found[0].FullyQualifiedErrorId | Should -Be 'NoBackupFound,BqBackup.Commands.GetBqBackupCommand'
    }
}

Describe 'Ctrl-C' {
    It 'stopping a backup mid-way leaves no backup, no partial object and no temp file' {
        $big = Join-Path $TestDrive 'big.db'
        New-SampleDatabase -Path $big -Jobs 20000 -MaxPayloadBytes 8192 | Out-Null
        $stopDest = Join-Path $TestDrive 'stopped'
        $tmp = New-Item -ItemType Directory (Join-Path $TestDrive 'stop-tmp')
        $ps = [powershell]::Create()
        try {
            # TMPDIR is process-wide: the finally below puts it back for the other tests.
            $savedTmp = $env:TMPDIR
            $null = $ps.AddScript("`$env:TMPDIR = '$($tmp.FullName)'; Import-Module '$(Join-Path $PSScriptRoot '../../out/BqBackup/BqBackup.psd1')'; New-BqBackup -Path '$big' -Destination '$stopDest' -CompressionLevel SmallestSize")
            $async = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while (-not (Get-ChildItem -Force $stopDest -Filter '.*partial*' -ErrorAction SilentlyContinue) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally { $ps.Dispose(); $env:TMPDIR = $savedTmp }
        Get-ChildItem -Force $stopDest | Should -BeNullOrEmpty
        Get-ChildItem -Force $tmp | Should -BeNullOrEmpty
    }
}

# Hostile ground: junk in every field and numbers at their extremes. Each case would have reached
# the user as a raw .NET exception (or been stored as a backup); each now has an ErrorId, a warning,
# or saturates, and the live database and the good backups are as they were.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 50 | Out-Null

    function Get-ErrorOf([scriptblock] $Command) { try { & $Command; $null } catch { $_ } }

    # A copy of the sample with one thing changed through SQLite itself.
    function New-AlteredDatabase([string] $Sql) {
        $path = Join-Path $TestDrive ("altered-" + [guid]::NewGuid().ToString('N') + '.db')
        Copy-Item $db $path
        sqlite3 $path $Sql
        if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on: $Sql" }
        $path
    }

    # Everything an error record and the streams said, as one text to search for a secret.
    function Get-AllText($ErrorRecord, $Streams) {
        (@($ErrorRecord.Exception.Message, $ErrorRecord.ErrorDetails.Message, $ErrorRecord.ErrorDetails.RecommendedAction,
           "$($ErrorRecord.TargetObject)", $ErrorRecord.FullyQualifiedErrorId, ($ErrorRecord | Out-String)) + @($Streams | ForEach-Object { "$_" })) -join "`n"
    }
}

Describe 'Hostile ground: A damaged status record is replaced with a warning, never a failed run' {
    It 'holds <Label>' -ForEach @(
        @{ Label = 'a JSON array'; Bytes = [Text.Encoding]::UTF8.GetBytes('[]') },
        @{ Label = 'a JSON string'; Bytes = [Text.Encoding]::UTF8.GetBytes('"x"') },
        @{ Label = 'binary junk'; Bytes = [byte[]](0xFF, 0xFE, 0x00, 0x01, 0x80, 0x7B, 0x22) },
        @{ Label = 'truncated JSON'; Bytes = [Text.Encoding]::UTF8.GetBytes('{"lastSuccess": "2026-') }
    ) {
        $dest = Join-Path $TestDrive ("status-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $dest | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $dest 'bqbackup-status.json'), $Bytes)

        $b = New-BqBackup -Path $db -Destination $dest -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $b.Status | Should -Be 'Ok'
        "$warnings" | Should -Match 'status record .* was damaged'
        $record = Get-Content -Raw (Join-Path $dest 'bqbackup-status.json') | ConvertFrom-Json
        $record.lastSuccessName | Should -Be $b.Name

        # The scheduled job's next step still runs.
        Remove-BqBackupExpired -Destination $dest -KeepLast 1 -PassThru -ErrorAction Stop | Should -BeNullOrEmpty
        (Get-BqBackupStatus -Destination $dest).Status | Should -Be 'Healthy'
    }

    It 'Get-BqBackupStatus reads past a damaged record' {
        $dest = Join-Path $TestDrive ("status-" + [guid]::NewGuid().ToString('N'))
        New-BqBackup -Path $db -Destination $dest | Out-Null
        Set-Content (Join-Path $dest 'bqbackup-status.json') '[1,2,3]'
        $s = Get-BqBackupStatus -Destination $dest -ErrorAction Stop
        $s.Status | Should -Be 'Healthy'
        $s.LastFailureTime | Should -BeNullOrEmpty
    }
}

Describe 'Hostile ground: A database with junk in bunqueue''s own tables' {
    It '<Label>: New warns and stores, Test fails it with the reason, Restore refuses and leaves the live file' -ForEach @(
        @{ Label = 'migrations.version is text'; Sql = "DROP TABLE migrations; CREATE TABLE migrations(version, applied_at); INSERT INTO migrations VALUES ('abc', 0);"; Reason = "migrations.version 'abc' is not a schema version" },
        @{ Label = 'migrations.version is above int32'; Sql = "INSERT INTO migrations(version, applied_at) VALUES (3000000000, 0);"; Reason = "migrations.version '3000000000' is not a schema version" },
        @{ Label = 'jobs has no state column'; Sql = "DROP TABLE jobs; CREATE TABLE jobs(id TEXT PRIMARY KEY, data BLOB);"; Reason = 'the jobs table has no state column' }
    ) {
        $dest = Join-Path $TestDrive ("junk-" + [guid]::NewGuid().ToString('N'))
        $source = New-AlteredDatabase $Sql
        $b = New-BqBackup -Path $source -Destination $dest -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        "$warnings" | Should -Match ([regex]::Escape($Reason))

        $t = Test-BqBackup -Destination $dest -Name $b.Name -ErrorAction Stop
        $t.Passed | Should -BeFalse
        "$($t.Reasons)" | Should -Match ([regex]::Escape($Reason))

        $live = Join-Path $TestDrive ("live-" + [guid]::NewGuid().ToString('N') + '.db')
        Copy-Item $db $live
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Destination $dest -Name $b.Name -Path $live -Confirm:$false -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'NotABunqueueDatabase,BqBackup.Commands.RestoreBqBackupCommand'
        $e.Exception.Message | Should -Match ([regex]::Escape($Reason))
        Get-FileSha256 $live | Should -Be $before
    }

    It 'Test-BqBackup -All goes on past the bad backup to the good ones' {
        $dest = Join-Path $TestDrive ("junk-all-" + [guid]::NewGuid().ToString('N'))
        $good = New-BqBackup -Path $db -Destination $dest
        $bad = New-BqBackup -Path (New-AlteredDatabase "DROP TABLE migrations; CREATE TABLE migrations(version, applied_at); INSERT INTO migrations VALUES ('abc', 0);") -Destination $dest -WarningAction SilentlyContinue
        $results = Test-BqBackup -Destination $dest -All -ErrorAction Stop
        $results | Should -HaveCount 2
        ($results | Where-Object Name -eq $good.Name).Passed | Should -BeTrue
        ($results | Where-Object Name -eq $bad.Name).Passed | Should -BeFalse
    }

    It 'a sidecar whose schemaVersion is above int32 lists as unknown, not truncated' {
        $dest = Join-Path $TestDrive ("junk-meta-" + [guid]::NewGuid().ToString('N'))
        $b = New-BqBackup -Path $db -Destination $dest
        $metaPath = Join-Path $dest "$($b.Name).meta.json"
        (Get-Content -Raw $metaPath) -replace '"schemaVersion":\s*\d+', '"schemaVersion": 4294967333' | Set-Content $metaPath
        (Get-BqBackup -Destination $dest -Name $b.Name).SchemaVersion | Should -BeNullOrEmpty
    }
}

Describe 'Hostile ground: An empty source is an error, and nothing is stored' {
    It '<Label>: SourceEmpty' -ForEach @(
        @{ Label = 'a zero-byte file'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]]@()) } },
        @{ Label = 'a SQLite database without tables'; Make = { param($p) sqlite3 $p 'PRAGMA user_version = 1;' } }
    ) {
        $dest = Join-Path $TestDrive ("empty-" + [guid]::NewGuid().ToString('N'))
        $path = Join-Path $TestDrive ("empty-" + [guid]::NewGuid().ToString('N') + '.db')
        & $Make $path
        $e = Get-ErrorOf { New-BqBackup -Path $path -Destination $dest -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'SourceEmpty,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.TargetObject | Should -Be $path
        $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        @(Get-BqBackup -Destination $dest -ErrorAction SilentlyContinue) | Should -HaveCount 0
        @(Get-ChildItem $dest -Filter 'backup-*' -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'cannot push good backups out of count-based retention' {
        $dest = Join-Path $TestDrive ("empty-keep-" + [guid]::NewGuid().ToString('N'))
        $good = New-BqBackup -Path $db -Destination $dest
        $zero = Join-Path $TestDrive 'zero.db'
        [IO.File]::WriteAllBytes($zero, [byte[]]@())
        1..3 | ForEach-Object { New-BqBackup -Path $zero -Destination $dest -ErrorAction SilentlyContinue }
        Remove-BqBackupExpired -Destination $dest -KeepLast 1 | Out-Null
        (Get-BqBackup -Destination $dest).Name | Should -Be $good.Name
    }
}

Describe 'Hostile ground: Numbers at their extremes saturate or are refused with an ErrorId' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'extremes'
        $script:first = New-BqBackup -Path $db -Destination $dest
        Copy-BackupAsOf -Backup $first -TimestampUtc ([datetime]::UtcNow.AddDays(-400)) | Out-Null
    }

    It '-RetentionDays 3000000 keeps every backup' {
        Remove-BqBackupExpired -Destination $dest -RetentionDays 3000000 -PassThru -ErrorAction Stop | Should -BeNullOrEmpty
        @(Get-BqBackup -Destination $dest) | Should -HaveCount 2
    }

    It 'S3_BACKUP_RETENTION=99999999 keeps every backup' {
        Invoke-WithEnvironment @{ S3_BACKUP_RETENTION = '99999999' } {
            Remove-BqBackupExpired -Destination $dest -PassThru -ErrorAction Stop | Should -BeNullOrEmpty
        }
        @(Get-BqBackup -Destination $dest) | Should -HaveCount 2
    }

    It 'S3_BACKUP_INTERVAL at Int64.MaxValue saturates at ten years' {
        $s = Invoke-WithEnvironment @{ S3_BACKUP_INTERVAL = [long]::MaxValue.ToString() } { Get-BqBackupStatus -Destination $dest -ErrorAction Stop }
        $s.Interval | Should -Be ([timespan]::FromDays(3650))
        $s.Status | Should -Be 'Healthy'
    }

    It '-Interval <Value>: InvalidInterval' -ForEach @(
        @{ Value = [timespan]::MaxValue }, @{ Value = [timespan]::MinValue }, @{ Value = [timespan]::Zero }
    ) {
        $e = Get-ErrorOf { Get-BqBackupStatus -Destination $dest -Interval $Value -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidInterval,BqBackup.Commands.GetBqBackupStatusCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Hostile ground: Credentials in a URL are refused and never echoed' {
    It '<Label>' -ForEach @(
        @{ Label = '-EndpointUrl with user info'; Id = 'EndpointHasCredentials'; Secret = 'SeCrEtKeY123'; Run = { param($d) Get-BqBackup -Destination 's3://bqtest/p/' -EndpointUrl 'http://AKIDEXAMPLE:SeCrEtKeY123@127.0.0.1:9/' -Verbose -ErrorAction Stop } },
        @{ Label = 'S3_ENDPOINT with user info'; Id = 'EndpointHasCredentials'; Secret = 'SeCrEtKeY123'; Run = { param($d) Invoke-WithEnvironment @{ S3_ENDPOINT = 'https://AKIDEXAMPLE:SeCrEtKeY123@s3.example.invalid' } { Get-BqBackup -Destination 's3://bqtest/p/' -Verbose -ErrorAction Stop } } },
        @{ Label = 'a pre-signed query string in -EndpointUrl'; Id = 'InvalidDestination'; Secret = 'SiGnAtUrE987'; Run = { param($d) Get-BqBackup -Destination 's3://bqtest/p/' -EndpointUrl 'http://127.0.0.1:9/?X-Amz-Signature=SiGnAtUrE987' -Verbose -ErrorAction Stop } },
        @{ Label = 'a not-http endpoint with user info'; Id = 'EndpointHasCredentials'; Secret = 'SeCrEtKeY123'; Run = { param($d) Get-BqBackup -Destination 's3://bqtest/p/' -EndpointUrl 'ftp://AKIDEXAMPLE:SeCrEtKeY123@host' -Verbose -ErrorAction Stop } },
        @{ Label = 'an s3:// destination with user info'; Id = 'EndpointHasCredentials'; Secret = 'SeCrEtKeY123'; Run = { param($d) New-BqBackup -Path $d -Destination 's3://AKIDEXAMPLE:SeCrEtKeY123@bqtest/p/' -Verbose -ErrorAction Stop } },
        @{ Label = 'an http:// destination with user info'; Id = 'InvalidDestination'; Secret = 'SeCrEtKeY123'; Run = { param($d) New-BqBackup -Path $d -Destination 'http://AKIDEXAMPLE:SeCrEtKeY123@host/backups' -Verbose -ErrorAction Stop } }
    ) {
        $verbose = $null
        $e = Get-ErrorOf { & $Run $db 4>&1 3>&1 | Tee-Object -Variable verbose | Out-Null }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,BqBackup.Commands.*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $text = Get-AllText $e $verbose
        $text | Should -Not -Match $Secret
        $text | Should -Match '\*\*\*'
    }
}

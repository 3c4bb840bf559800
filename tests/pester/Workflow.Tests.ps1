BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    $script:expected = New-SampleDatabase -Path $db -Jobs 400
}

Describe 'New-BqBackup to a folder' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'backups'
        $script:backup = New-BqBackup -Path $db -Destination $dest
    }

    It 'returns one BqBackup.BackupInfo describing what it stored' {
        $backup | Should -HaveCount 1
        $backup.GetType().FullName | Should -Be 'BqBackup.BackupInfo'
        $backup.Name | Should -Match '^backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(-\d+)?\.db\.gz$'
        $backup.Destination | Should -Be $dest
        $backup.Origin | Should -Be 'BqBackup'
        $backup.Timestamp.Kind | Should -Be 'Utc'
        $backup.SchemaVersion | Should -Be 37
        $backup.Counts.Jobs | Should -Be 400
        $backup.Counts.Dlq | Should -Be $expected.Dlq
        $backup.Counts.CronJobs | Should -Be $expected.CronJobs
        $backup.Size | Should -Be (Get-Item (Join-Path $dest $backup.Name)).Length
    }

    It 'stores a body that gunzip turns back into the database whose SHA-256 the sidecar records' {
        $copy = Join-Path $TestDrive 'gunzipped.db'
        Copy-Item (Join-Path $dest $backup.Name) "$copy.gz"
        gzip -d -f "$copy.gz"
        $LASTEXITCODE | Should -Be 0
        Get-FileSha256 $copy | Should -Be $backup.Sha256
        (Get-Item $copy).Length | Should -Be $backup.DatabaseSize
        $meta = Get-Content -Raw (Join-Path $dest "$($backup.Name).meta.json") | ConvertFrom-Json
        $meta.checksum | Should -Be $backup.Sha256
        $meta.compressed | Should -BeTrue
        $meta.compressedSize | Should -Be $backup.Size
        $meta.size | Should -Be $backup.DatabaseSize
        sqlite3 $copy 'PRAGMA integrity_check' | Should -Be 'ok'
    }

    It 'backs up every path given, from the pipeline too' {
        $other = Join-Path $TestDrive 'second.db'
        New-SampleDatabase -Path $other -Jobs 50 | Out-Null
        $results = Get-Item $db, $other | New-BqBackup -Destination (Join-Path $TestDrive 'multi')
        $results | Should -HaveCount 2
        $results.SourcePath | Should -Be @($db, $other)
    }

    It 'resolves a relative destination against the current location' {
        Push-Location $TestDrive
        try { $b = New-BqBackup -Path ./queue.db -Destination ./relative } finally { Pop-Location }
        $b.Destination | Should -Be (Join-Path $TestDrive 'relative')
        Test-Path (Join-Path $TestDrive "relative/$($b.Name)") | Should -BeTrue
    }

    It 'leaves no temp file behind (TMPDIR holds nothing after)' {
        $tmp = New-Item -ItemType Directory (Join-Path $TestDrive 'tmp')
        $old = $env:TMPDIR
        $env:TMPDIR = $tmp.FullName
        try { New-BqBackup -Path $db -Destination $dest | Out-Null } finally { $env:TMPDIR = $old }
        Get-ChildItem -Force $tmp | Should -BeNullOrEmpty
    }

    It '-WhatIf says what it would do and stores nothing' {
        $whatIfDest = Join-Path $TestDrive 'whatif'
        $out = Invoke-ChildPwsh "New-BqBackup -Path '$db' -Destination '$whatIfDest' -WhatIf"
        $out | Should -Match ([regex]::Escape($db))
        Test-Path $whatIfDest | Should -BeFalse
    }

    It 'writes progress records while it works' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Join-Path $PSScriptRoot '../../out/BqBackup/BqBackup.psd1')).AddStatement()
            $null = $ps.AddCommand('New-BqBackup').AddParameter('Path', $db).AddParameter('Destination', (Join-Path $TestDrive 'progress'))
            $null = $ps.Invoke()
            $ps.Streams.Progress.Activity | Should -Contain 'Backup'
            $ps.Streams.Progress | Where-Object RecordType -eq 'Completed' | Should -Not -BeNullOrEmpty
        } finally { $ps.Dispose() }
    }
}

Describe 'Get-BqBackup' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'listing'
        $seed = New-BqBackup -Path $db -Destination $dest
        $script:now = [datetime]::UtcNow
        $script:names = foreach ($days in 1, 3, 10) { Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-$days) }
        $script:newestName = $seed.Name
    }

    It 'lists every backup, newest first' {
        $all = Get-BqBackup -Destination $dest
        $all | Should -HaveCount 4
        $all[0].Name | Should -Be $newestName
        $all.Name | Select-Object -Skip 1 | Should -Be $names
    }

    It '-Latest gives the newest' { (Get-BqBackup -Destination $dest -Latest).Name | Should -Be $newestName }

    It '-Before and -After filter by time' {
        (Get-BqBackup -Destination $dest -Before $now.AddDays(-2)).Name | Should -Be $names[1], $names[2]
        (Get-BqBackup -Destination $dest -After $now.AddDays(-5)).Name | Should -Be $newestName, $names[0], $names[1]
        (Get-BqBackup -Destination $dest -Before $now.AddDays(-2) -Latest).Name | Should -Be $names[1]
    }

    It '-At picks the newest backup at or before the time and says how old it was' {
        $picked = Get-BqBackup -Destination $dest -At $now.AddDays(-2) -Verbose 4>&1
        $verbose = $picked | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($picked | Where-Object { $_ -is [BqBackup.BackupInfo] }).Name | Should -Be $names[1]
        "$verbose" | Should -Match 'Picked .* 1\.0 days before'
    }

    It '-Name takes exact names and wildcards' {
        (Get-BqBackup -Destination $dest -Name $names[2]).Name | Should -Be $names[2]
        Get-BqBackup -Destination $dest -Name 'backup-*' | Should -HaveCount 4
    }

    It 'shows a table with the columns operators read' {
        $table = Get-BqBackup -Destination $dest | Format-Table | Out-String -Width 200
        foreach ($column in 'Name', 'Timestamp (UTC)', 'Age', 'Size', 'Jobs', 'Origin', 'Status') { $table | Should -Match ([regex]::Escape($column)) }
    }

    It 'lists backups written by bunqueue''s own built-in backup, marked by Origin' {
        $raw = [IO.File]::ReadAllBytes($db)
        $gzPath = Join-Path $dest 'bunqueue-2026-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db'
        Copy-Item $db "$TestDrive/bq-raw.db"; gzip -f "$TestDrive/bq-raw.db"; Move-Item "$TestDrive/bq-raw.db.gz" $gzPath
        @{ timestamp = '2026-01-01T00:00:00.000Z'; version = '2.9.5'; size = $raw.Length; compressedSize = (Get-Item $gzPath).Length
           checksum = (Get-FileSha256 $db); compressed = $true } | ConvertTo-Json | Set-Content "$gzPath.meta.json"
        $theirs = Get-BqBackup -Destination $dest -Name 'bunqueue-*'
        $theirs.Origin | Should -Be 'bunqueue'
        $theirs.WrittenBy | Should -Be '2.9.5'
        $restored = $theirs | Restore-BqBackup -Path (Join-Path $TestDrive 'from-bunqueue.db') -Confirm:$false
        $restored.ChecksumVerified | Should -BeTrue
        Get-FileSha256 (Join-Path $TestDrive 'from-bunqueue.db') | Should -Be (Get-FileSha256 $db)
    }
}

Describe 'Restore-BqBackup' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'restore-src'
        $script:backup = New-BqBackup -Path $db -Destination $dest
    }

    BeforeEach {
        $script:liveDir = New-Item -ItemType Directory (Join-Path $TestDrive ("live-" + [guid]::NewGuid().ToString('N')))
        $script:live = Join-Path $liveDir 'queue.db'
        Copy-Item $db $live
        sqlite3 $live "INSERT INTO queue_state(name) VALUES ('only-in-live')"
        $script:liveSha = Get-FileSha256 $live
    }

    It 'restores the piped backup, verified, and keeps the old database aside' {
        $result = Get-BqBackup -Destination $dest -Latest | Restore-BqBackup -Path $live -Confirm:$false
        $result.GetType().FullName | Should -Be 'BqBackup.Restore.RestoreResult'
        $result.ChecksumVerified | Should -BeTrue
        $result.IntegrityCheck | Should -Be 'ok'
        $result.Counts.Jobs | Should -Be 400
        Get-FileSha256 $live | Should -Be $backup.Sha256
        $aside = $result.MovedAside | Where-Object From -eq $live
        $aside.To | Should -Match 'queue\.db\.corrupted-\d{8}T\d{6}Z$'
        Get-FileSha256 $aside.To | Should -Be $liveSha
        Get-ChildItem -Force $liveDir -Filter '.*' | Should -BeNullOrEmpty
    }

    It 'restores by -Name, -Latest and -At from a destination' -ForEach @(
        @{ Selector = @{ Latest = $true } }
        @{ Selector = @{ At = 'in 5 minutes' } }
    ) {
        # -At is read when the test runs, not at discovery: a long run starts this file minutes after discovery.
        if ($Selector.At) { $Selector = @{ At = [datetime]::UtcNow.AddMinutes(5) } }
        $result = Restore-BqBackup -Path $live -Destination $dest @Selector -Confirm:$false
        $result.BackupName | Should -Be $backup.Name
        Get-FileSha256 $live | Should -Be $backup.Sha256
    }

    It 'restores by -Name' {
        (Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false).BackupName | Should -Be $backup.Name
    }

    It '-WhatIf says exactly what would happen and changes nothing' {
        $out = Invoke-ChildPwsh "Restore-BqBackup -Path '$live' -Destination '$dest' -Latest -WhatIf"
        $out | Should -Match ([regex]::Escape($backup.Name))
        $out | Should -Match 'corrupted-'
        Get-FileSha256 $live | Should -Be $liveSha
        (Get-ChildItem -Force $liveDir).Name | Should -Be 'queue.db'
    }

    It 'puts the database back to the backup when a stale -wal and -shm sit beside it' {
        Set-Content -Path "$live-wal" -Value 'stale frames of another database'
        Set-Content -Path "$live-shm" -Value 'stale index'
        $result = Restore-BqBackup -Path $live -Destination $dest -Latest -Confirm:$false
        Test-Path "$live-wal" | Should -BeFalse
        Test-Path "$live-shm" | Should -BeFalse
        $result.MovedAside | Should -HaveCount 3
        sqlite3 $live "SELECT COUNT(*) FROM queue_state WHERE name = 'only-in-live'" | Should -Be 0
    }
}

Describe 'Remove-BqBackupExpired' {
    BeforeEach {
        $script:dest = Join-Path $TestDrive ("expire-" + [guid]::NewGuid().ToString('N'))
        $script:seed = New-BqBackup -Path $db -Destination $dest
        $now = [datetime]::UtcNow
        $script:old = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-10)
        $script:older = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-20)
        $script:recent = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-2)
    }

    It 'removes backups older than -RetentionDays with their sidecars and outputs them' {
        $removed = Remove-BqBackupExpired -Destination $dest -RetentionDays 7
        $removed.Name | Sort-Object | Should -Be (@($old, $older) | Sort-Object)
        (Get-BqBackup -Destination $dest).Name | Should -Be $seed.Name, $recent
        Get-ChildItem $dest -Filter "$old*" | Should -BeNullOrEmpty
    }

    It 'refuses, removing nothing, when its rules keep none of the backups (backups have stopped)' {
        Remove-Item (Join-Path $dest "$($seed.Name)*"), (Join-Path $dest "$recent*")
        $e = { Remove-BqBackupExpired -Destination $dest -RetentionDays 7 } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'RetentionWouldRemoveAll,BqBackup.Commands.RemoveBqBackupExpiredCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $e.TargetObject | Should -Be '-RetentionDays 7'
        $e.Exception.Message | Should -Match "newest, '$([regex]::Escape($old))', is 10\.0 days old"
        $e.ErrorDetails.RecommendedAction | Should -Match '-KeepLast 1'
        (Get-BqBackup -Destination $dest).Name | Should -Be $old, $older
    }

    It 'never removes the newest backup: -KeepLast 1 there keeps it alone' {
        Remove-Item (Join-Path $dest "$($seed.Name)*"), (Join-Path $dest "$recent*")
        $removed = Remove-BqBackupExpired -Destination $dest -RetentionDays 7 -KeepLast 1
        $removed.Name | Should -Be $older
        (Get-BqBackup -Destination $dest).Name | Should -Be $old
    }

    It '-WhatIf lists what would go and removes nothing' {
        $out = Invoke-ChildPwsh "Remove-BqBackupExpired -Destination '$dest' -RetentionDays 7 -WhatIf | Out-Null"
        $out | Should -Match ([regex]::Escape($old))
        $out | Should -Match 'kept by no rule of -RetentionDays 7'
        Get-BqBackup -Destination $dest | Should -HaveCount 4
    }

    It '-WhatIf outputs a decision for every backup, with the rule behind it' {
        $decisions = Remove-BqBackupExpired -Destination $dest -KeepLast 1 -KeepDaily 3 -WhatIf
        $decisions | Should -HaveCount 4
        $decisions[0].GetType().FullName | Should -Be 'BqBackup.Retention.RetentionDecision'
        ($decisions | Where-Object Name -eq $seed.Name).Reason | Should -Match 'newest.*one of the last 1.*daily'
        ($decisions | Where-Object Name -eq $older).Action | Should -Be 'Remove'
        ($decisions | Where-Object Name -eq $older).Reason | Should -Match 'kept by no rule of -KeepLast 1 -KeepDaily 3'
        Get-BqBackup -Destination $dest | Should -HaveCount 4
    }

    It 'grandfather-father-son rules keep the newest of each period' {
        $removed = Remove-BqBackupExpired -Destination $dest -KeepDaily 2
        $removed.Name | Sort-Object | Should -Be (@($old, $older) | Sort-Object)
    }

    It 'leaves bunqueue''s own backups alone unless -IncludeBunqueueBackups' {
        $theirs = 'bunqueue-2020-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db'
        Copy-Item (Join-Path $dest $seed.Name) (Join-Path $dest $theirs)
        Remove-BqBackupExpired -Destination $dest -RetentionDays 7 | Out-Null
        Test-Path (Join-Path $dest $theirs) | Should -BeTrue
        (Remove-BqBackupExpired -Destination $dest -RetentionDays 7 -IncludeBunqueueBackups).Name | Should -Be $theirs
    }

    It 'only considers the backups piped to it' {
        $removed = Get-BqBackup -Destination $dest -Name $older | Remove-BqBackupExpired -RetentionDays 7
        $removed.Name | Should -Be $older
        Test-Path (Join-Path $dest $old) | Should -BeTrue
    }
}

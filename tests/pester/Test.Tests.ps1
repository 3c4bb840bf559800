# Test-BqBackup: "a backup you can't restore from is worthless".
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null
}

Describe 'Test-BqBackup' {
    BeforeEach {
        $script:dest = Join-Path $TestDrive ("test-" + [guid]::NewGuid().ToString('N'))
        $script:good = New-BqBackup -Path $db -Destination $dest
        $script:dbSha = Get-FileSha256 $db
    }

    It 'passes the latest backup from the pipeline, with what it holds' {
        $result = Get-BqBackup -Destination $dest -Latest | Test-BqBackup
        $result.GetType().FullName | Should -Be 'BqBackup.Restore.BackupTestResult'
        $result.Passed | Should -BeTrue
        $result.Result | Should -Be 'Passed'
        $result.Reasons | Should -BeNullOrEmpty
        $result.ChecksumVerified | Should -BeTrue
        $result.IntegrityCheck | Should -Be 'ok'
        $result.SchemaVersion | Should -Be 37
        $result.Counts.Jobs | Should -Be 200
        Get-FileSha256 $db | Should -Be $dbSha
    }

    It '-All tests every backup and fails the altered one with its reason' {
        $copy = Copy-BackupAsOf -Backup $good -TimestampUtc ([datetime]::UtcNow.AddDays(-1))
        $metaPath = Join-Path $dest "$copy.meta.json"
        (Get-Content -Raw $metaPath).Replace($good.Sha256, ('f' * 64)) | Set-Content $metaPath
        $results = Test-BqBackup -Destination $dest -All
        $results | Should -HaveCount 2
        ($results | Where-Object Name -eq $good.Name).Passed | Should -BeTrue
        $bad = $results | Where-Object Name -eq $copy
        $bad.Passed | Should -BeFalse
        "$($bad.Reasons)" | Should -Match 'SHA-256'
    }

    It 'picks by -Name, -Latest and -At' {
        (Test-BqBackup -Destination $dest -Name $good.Name).Name | Should -Be $good.Name
        (Test-BqBackup -Destination $dest -Latest).Name | Should -Be $good.Name
        (Test-BqBackup -Destination $dest -At ([datetime]::UtcNow.AddMinutes(1))).Name | Should -Be $good.Name
    }

    It 'fails a backup whose sidecar is gone, and still says whether it is sound' {
        Remove-Item (Join-Path $dest "$($good.Name).meta.json")
        $result = Test-BqBackup -Destination $dest -Latest
        $result.Passed | Should -BeFalse
        $result.ChecksumVerified | Should -BeFalse
        $result.IntegrityCheck | Should -Be 'ok'
    }

    It 'a name that does not exist: BackupNotFound' {
        $e = try { Test-BqBackup -Destination $dest -Name 'backup-1999-01-01T00-00-00.db.gz' -ErrorAction Stop; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.TestBqBackupCommand'
    }

    It 'shows a table with the verdict' {
        $table = Test-BqBackup -Destination $dest -All | Format-Table | Out-String -Width 200
        $table | Should -Match 'Result'
        $table | Should -Match 'Passed'
    }
}

# Recovery after the backups were deleted: on a versioned bucket (moto, checking signatures) a
# delete leaves a delete marker over the old version; Get-BqBackup -IncludeDeleted lists those
# versions and Restore-BqBackup / Test-BqBackup read them. awscli does the deleting, as an attacker
# with the keys or a bad script would.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:moto = Start-MotoServer -Root $TestDrive
    $script:s3 = $moto.Parameters
    New-MotoBucket $moto -Name 'bqversioned' -Versioning | Out-Null
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null
    $script:dest = 's3://bqversioned/prod/'
    # Three backups, each of a different database, so a restore proves which one it read.
    $script:taken = foreach ($jobs in 150, 250, 350) {
        $source = Join-Path $TestDrive "queue-$jobs.db"
        New-SampleDatabase -Path $source -Jobs $jobs | Out-Null
        New-BqBackup -Path $source -Destination $dest @s3
        Start-Sleep -Milliseconds 1100   # distinct names (one per second)
    }
    Invoke-Aws $moto s3 rm $dest --recursive | Out-Null
}

AfterAll { Stop-MotoServer $moto }

Describe 'Backups deleted from a versioned bucket' {
    It 'are gone from the plain listing, as from awscli''s' {
        Get-BqBackup -Destination $dest @s3 | Should -BeNullOrEmpty
        @((Invoke-Aws $moto s3api list-objects-v2 --bucket bqversioned --prefix 'prod/' --output json | Out-String | ConvertFrom-Json).Contents) | Where-Object { $_ } | Should -BeNullOrEmpty
    }

    It 'are listed by -IncludeDeleted, newest first, Deleted, with their VersionId and their sidecar''s data' {
        $hidden = @(Get-BqBackup -Destination $dest -IncludeDeleted @s3)
        $hidden | Should -HaveCount 3
        $hidden.Name | Should -Be ($taken | Sort-Object Timestamp -Descending).Name
        $hidden | ForEach-Object { $_.Deleted | Should -BeTrue; $_.VersionId | Should -Not -BeNullOrEmpty; $_.Status | Should -Be 'Ok' }
        $hidden.Sha256 | Should -Be ($taken | Sort-Object Timestamp -Descending).Sha256
        # The version ids are the store's own: awscli lists the same ones under delete markers.
        $versions = Invoke-Aws $moto s3api list-object-versions --bucket bqversioned --prefix 'prod/' --output json | Out-String | ConvertFrom-Json
        ($versions.DeleteMarkers | Where-Object { $_.IsLatest -and $_.Key -like 'prod/backup-*' }) | Should -HaveCount 6   # bodies and sidecars
        $hidden.VersionId | ForEach-Object { $_ | Should -BeIn $versions.Versions.VersionId }
    }

    It 'the newest restores verified through the pipeline (the recovery runbook), the result naming the version' {
        $target = Join-Path $TestDrive 'recovered.db'
        $newest = Get-BqBackup -Destination $dest -IncludeDeleted @s3 | Select-Object -First 1
        $result = $newest | Restore-BqBackup -Path $target -Confirm:$false @s3
        $result.ChecksumVerified | Should -BeTrue
        $result.BackupVersionId | Should -Be $newest.VersionId
        Get-FileSha256 $target | Should -Be $taken[-1].Sha256
        (& sqlite3 -readonly $target 'SELECT COUNT(*) FROM jobs') | Should -Be 350
    }

    It '-WhatIf names the version it would read and changes nothing' {
        $target = Join-Path $TestDrive 'whatif.db'
        $text = Invoke-ChildPwsh "`$s3 = @{ EndpointUrl = '$($moto.Endpoint)'; Region = 'us-east-1'; AccessKey = '$($moto.AccessKey)'; SecretKey = '$($moto.SecretKey)' }; Get-BqBackup -Destination '$dest' -IncludeDeleted @s3 | Select-Object -First 1 | Restore-BqBackup -Path '$target' -WhatIf @s3"
        $text | Should -Match "What if: .*version '[^']+', deleted\)"
        Test-Path $target | Should -BeFalse
    }

    It 'Test-BqBackup reads each deleted version and verifies it' {
        $results = Get-BqBackup -Destination $dest -IncludeDeleted @s3 | Test-BqBackup @s3
        $results | Should -HaveCount 3
        $results | ForEach-Object { $_.Result | Should -Be 'Passed'; $_.Backup.Deleted | Should -BeTrue }
    }

    It 'a version carried through Export-Csv / Import-Csv restores that version, and an unknown version is BackupNotFound' {
        $csv = Join-Path $TestDrive 'deleted.csv'
        Get-BqBackup -Destination $dest -IncludeDeleted @s3 | Select-Object -Last 1 | Export-Csv -LiteralPath $csv
        $row = Import-Csv -LiteralPath $csv
        $row.VersionId | Should -Not -BeNullOrEmpty
        $target = Join-Path $TestDrive 'from-csv.db'
        $result = $row | Restore-BqBackup -Path $target -Confirm:$false @s3
        $result.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $target | Should -Be $taken[0].Sha256

        $row.VersionId = 'no-such-version'
        $errors = @()
        $row | Restore-BqBackup -Path (Join-Path $TestDrive 'nope.db') -Confirm:$false @s3 -ErrorVariable +errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.RestoreBqBackupCommand'
        Test-Path (Join-Path $TestDrive 'nope.db') | Should -BeFalse
    }

    It 'a whole -IncludeDeleted row through Export-Csv / Import-Csv | Test-BqBackup tests that version' {
        $csv = Join-Path $TestDrive 'deleted-test.csv'
        Get-BqBackup -Destination $dest -IncludeDeleted @s3 | Select-Object -Last 1 | Export-Csv -LiteralPath $csv
        $row = Import-Csv -LiteralPath $csv
        $result = $row | Test-BqBackup @s3
        $result.Passed | Should -BeTrue
        $result.Backup.VersionId | Should -Be $row.VersionId
        $result.Backup.Sha256 | Should -Be $taken[0].Sha256
        $result.Backup.Deleted | Should -BeTrue
    }

    It 'a backup overwritten with junk under its own key: the plain listing shows the junk, -IncludeDeleted also the original, which restores verified' {
        $key = 's3://bqversioned/overwritten/'
        $good = New-BqBackup -Path $db -Destination $key @s3
        $junk = Join-Path $TestDrive 'junk.bin'
        [IO.File]::WriteAllBytes($junk, [byte[]] (1..200))
        Invoke-Aws $moto s3 cp $junk "$key$($good.Name)" | Out-Null
        (Get-BqBackup -Destination $key @s3).Size | Should -Be 200
        $versions = @(Get-BqBackup -Destination $key -IncludeDeleted @s3)
        $versions | Should -HaveCount 2
        $versions[0].Deleted | Should -BeFalse
        $versions[0].VersionId | Should -BeNullOrEmpty   # the current version is read as the key
        $original = $versions | Where-Object Deleted
        $original.Size | Should -Be $good.Size
        $result = $original | Restore-BqBackup -Path (Join-Path $TestDrive 'original.db') -Confirm:$false @s3
        $result.ChecksumVerified | Should -BeTrue
        (Get-BqBackup -Destination $key @s3 | Test-BqBackup @s3).Result | Should -Be 'Failed'
    }
}

Describe '-IncludeDeleted and versions on a folder' {
    It 'lists what the plain listing lists, and says why with -Verbose' {
        $folder = Join-Path $TestDrive 'folder'
        New-BqBackup -Path $db -Destination $folder | Out-Null
        $out = Get-BqBackup -Destination $folder -IncludeDeleted -Verbose 4>&1
        @($out | Where-Object { $_ -is [BqBackup.BackupInfo] }) | Should -HaveCount 1
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'keeps no versions'
    }

    It 'a VersionId piped with a folder destination is VersionsNotSupported, and nothing is restored' {
        $folder = Join-Path $TestDrive 'folder'
        $row = Get-BqBackup -Destination $folder | Select-Object Name, Destination, @{ n = 'VersionId'; e = { 'v1' } }
        $errors = @()
        $row | Restore-BqBackup -Path (Join-Path $TestDrive 'never.db') -Confirm:$false -ErrorVariable +errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'VersionsNotSupported,BqBackup.Commands.RestoreBqBackupCommand'
        Test-Path (Join-Path $TestDrive 'never.db') | Should -BeFalse
    }
}

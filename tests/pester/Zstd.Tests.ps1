# Opt-in zstd end to end: New-BqBackup -Compression Zstd to a folder and to s3rver, the stock zstd
# reading ours and writing what we read, Get-/Test-/Restore-BqBackup over gzip and zstd together,
# BQBACKUP_COMPRESSION, and an age-encrypted zstd backup against the stock `age -d | zstd -d`.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 300 | Out-Null
    $script:jobs = [long](sqlite3 $db 'SELECT COUNT(*) FROM jobs')
    function Get-ErrorOf([scriptblock] $Command) { $ErrorActionPreference = 'Stop'; try { & $Command; $null } catch { $_ } }
    function Get-JobCount([string] $Path) { [long](sqlite3 $Path 'SELECT COUNT(*) FROM jobs') }
}

Describe 'A zstd backup in a folder' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'zst'
        $script:gz = New-BqBackup -Path $db -Destination $dest
        Start-Sleep -Milliseconds 1100
        $script:backup = New-BqBackup -Path $db -Destination $dest -Compression Zstd -CompressionLevel Fastest
        $script:body = Join-Path $dest $backup.Name
    }

    It 'is named backup-YYYY-MM-DDTHH-mm-ss.db.zst, its sidecar says zstd, and the stock zstd checks and reads it' {
        $backup.Name | Should -Match '^backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.db\.zst$'
        $backup.Compression | Should -Be 'Zstd'
        (Get-Content -Raw "$body.meta.json" | ConvertFrom-Json).compression | Should -Be 'zstd'
        & zstd -q -t $body; $LASTEXITCODE | Should -Be 0
        & zstd -q -d -f $body -o (Join-Path $TestDrive 'plain.db'); $LASTEXITCODE | Should -Be 0
        Get-FileSha256 (Join-Path $TestDrive 'plain.db') | Should -Be $backup.Sha256
        Get-JobCount (Join-Path $TestDrive 'plain.db') | Should -Be $jobs
    }

    It 'lists beside the gzip backup, newest first, each with its compression' {
        $listed = @(Get-BqBackup -Destination $dest)
        $listed.Name | Should -Be @($backup.Name, $gz.Name)
        $listed.Compression | Should -Be @('Zstd', 'Gzip')
        $listed.Status | Should -Be @('Ok', 'Ok')
    }

    It 'passes Test-BqBackup and restores with Restore-BqBackup' {
        (Test-BqBackup -Destination $dest -Name $backup.Name).Result | Should -Be 'Passed'
        $target = Join-Path $TestDrive 'restored.db'
        $r = Restore-BqBackup -Destination $dest -Name $backup.Name -Path $target -Confirm:$false
        $r.Sha256 | Should -Be $backup.Sha256
        Get-JobCount $target | Should -Be $jobs
    }

    It 'reads a body the stock zstd wrote (-19, two threads)' {
        $plain = Join-Path $TestDrive 'plain.db'
        $theirs = Join-Path $TestDrive 'theirs'
        New-Item -ItemType Directory $theirs | Out-Null
        $name = $backup.Name
        & zstd -q -19 -T2 -f $plain -o (Join-Path $theirs $name); $LASTEXITCODE | Should -Be 0
        $meta = Get-Content -Raw "$body.meta.json" | ConvertFrom-Json
        $meta.compressedSize = (Get-Item (Join-Path $theirs $name)).Length
        $meta | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $theirs "$name.meta.json")
        (Test-BqBackup -Destination $theirs -Name $name).Result | Should -Be 'Passed'
        $target = Join-Path $TestDrive 'from-theirs.db'
        (Restore-BqBackup -Destination $theirs -Name $name -Path $target -Confirm:$false).Sha256 | Should -Be $backup.Sha256
    }

    It 'refuses a cut body with BackupCorrupt and leaves the live database as it was' {
        $cut = Join-Path $TestDrive 'cut'
        New-Item -ItemType Directory $cut | Out-Null
        $bytes = [IO.File]::ReadAllBytes($body)
        [IO.File]::WriteAllBytes((Join-Path $cut $backup.Name), $bytes[0..($bytes.Length - 1000)])
        # A sidecar that agrees with the cut size, so what refuses it is the zstd stream itself.
        $meta = Get-Content -Raw "$body.meta.json" | ConvertFrom-Json
        $meta.compressedSize = $bytes.Length - 999
        $meta | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $cut "$($backup.Name).meta.json")
        $live = Join-Path $TestDrive 'live.db'
        Copy-Item $db $live
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Destination $cut -Name $backup.Name -Path $live -Force -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'BackupCorrupt,BqBackup.Commands.RestoreBqBackupCommand'
        "$e" | Should -Match 'zstd'
        Get-FileSha256 $live | Should -Be $before
    }
}

Describe 'BQBACKUP_COMPRESSION' {
    It 'makes zstd the default of an unattended run, and -Compression still wins' {
        $dest = Join-Path $TestDrive 'env'
        $z = Invoke-WithEnvironment @{ BQBACKUP_COMPRESSION = 'zstd' } { New-BqBackup -Path $db -Destination $dest }
        $z.Name | Should -BeLike '*.db.zst'
        $g = Invoke-WithEnvironment @{ BQBACKUP_COMPRESSION = 'zstd' } { New-BqBackup -Path $db -Destination $dest -Compression Gzip }
        $g.Name | Should -BeLike '*.db.gz'
    }

    It 'refuses a value it cannot mean with InvalidCompression, before any backup' {
        $dest = Join-Path $TestDrive 'env-bad'
        $e = Get-ErrorOf { Invoke-WithEnvironment @{ BQBACKUP_COMPRESSION = 'xz' } { New-BqBackup -Path $db -Destination $dest } }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidCompression,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path $dest | Should -BeFalse
    }
}

Describe 'A zstd backup on S3 (s3rver)' {
    BeforeAll {
        $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
        $script:s3 = @{ EndpointUrl = $server.Endpoint; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    }
    AfterAll { Stop-S3Server $server }

    It 'uploads a .db.zst the stock zstd reads, and restores from it' {
        $b = New-BqBackup -Path $db -Destination 's3://bqtest/zst/' -Compression Zstd @s3
        $b.Name | Should -BeLike '*.db.zst'
        $local = Join-Path $TestDrive 's3.db.zst'
        Invoke-Aws $server s3 cp "s3://bqtest/zst/$($b.Name)" $local | Out-Null
        & zstd -q -d -f $local -o "$local.db"; $LASTEXITCODE | Should -Be 0
        Get-FileSha256 "$local.db" | Should -Be $b.Sha256
        (Get-BqBackup -Destination 's3://bqtest/zst/' @s3).Compression | Should -Be 'Zstd'
        $target = Join-Path $TestDrive 's3-restored.db'
        (Restore-BqBackup -Destination 's3://bqtest/zst/' -Latest -Path $target -Confirm:$false @s3).Sha256 | Should -Be $b.Sha256
        Get-JobCount $target | Should -Be $jobs
    }
}

Describe 'An age-encrypted zstd backup' {
    It 'is .db.zst.age, opens with the stock age -d | zstd -d, and restores with -IdentityFile' {
        $key = Join-Path $TestDrive 'key.txt'
        & /usr/bin/age-keygen -o $key 2>$null
        $pub = (& /usr/bin/age-keygen -y $key).Trim()
        $dest = Join-Path $TestDrive 'age-zst'
        $b = New-BqBackup -Path $db -Destination $dest -Compression Zstd -Recipient $pub
        $b.Name | Should -Match '\.db\.zst\.age$'
        $b.Encrypted | Should -BeTrue
        $plain = Join-Path $TestDrive 'age-plain.db'
        & bash -c "age -d -i '$key' '$(Join-Path $dest $b.Name)' | zstd -q -d > '$plain'"
        $LASTEXITCODE | Should -Be 0
        Get-FileSha256 $plain | Should -Be $b.Sha256
        $target = Join-Path $TestDrive 'age-restored.db'
        (Restore-BqBackup -Destination $dest -Latest -Path $target -IdentityFile $key -Confirm:$false).Sha256 | Should -Be $b.Sha256
        Get-JobCount $target | Should -Be $jobs
    }
}

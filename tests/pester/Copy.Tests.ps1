# Copy-BqBackup (3-2-1 copies) against a folder and two S3 "providers": s3rver with its usual key
# (S3RVER) and a second s3rver that answers only to its own key (PROVIDERTWO). s3rver checks the access
# key id, never the signature: what the two prove is that each side's key reaches its own server.
# Server-side copies (CopyObject, UploadPartCopy) run against moto, which s3rver cannot stand in for
# (it does not decode the SDK's %2F-encoded copy source and has no UploadPartCopy). What landed is
# checked with awscli, gunzip and sha256 as independent tools.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    # Not under TestDrive: Pester removes what a Describe created there when it ends, objects the servers stored included.
    $script:serverRoot = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bq-copy-tests-$([guid]::NewGuid().ToString('N'))")
    $script:providerA = Start-S3Server -Bucket 'bqtest' -Root $serverRoot.FullName
    $script:providerB = Start-S3rverWithCredentials -AccessKey 'PROVIDERTWO' -SecretKey 'provider-two-secret' -Bucket 'bqtest' -Root $serverRoot.FullName
    $script:s3a = @{ EndpointUrl = $providerA.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    $script:s3b = $providerB.S3Parameters
    # The source's keys when the target's S3 parameters are another provider's.
    $script:fromA = @{ FromEndpointUrl = $providerA.Endpoint; FromAccessKey = 'S3RVER'; FromSecretKey = 'S3RVER' }
    $script:fromB = @{ FromEndpointUrl = $providerB.Endpoint; FromAccessKey = 'PROVIDERTWO'; FromSecretKey = 'provider-two-secret' }

    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null
    $script:home1 = Join-Path $TestDrive 'primary'
    $script:first = New-BqBackup -Path $db -Destination $home1
    $script:second = New-BqBackup -Path $db -Destination $home1

    # Downloads a body and its sidecar with awscli; returns the sidecar and the SHA-256 of the gunzipped body.
    function script:Get-S3Copy {
        param($Server, [string] $Url, [string] $Name)
        $local = Join-Path $TestDrive ("fetched-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $local | Out-Null
        Invoke-Aws $Server s3 cp "$Url$Name" (Join-Path $local 'body.gz') | Out-Null
        Invoke-Aws $Server s3 cp "$Url$Name.meta.json" (Join-Path $local 'meta.json') | Out-Null
        & gzip -d -c (Join-Path $local 'body.gz') > (Join-Path $local 'body.db')
        [pscustomobject]@{
            MetaBytes = [IO.File]::ReadAllBytes((Join-Path $local 'meta.json'))
            Meta = Get-Content -Raw (Join-Path $local 'meta.json') | ConvertFrom-Json
            DatabaseSha256 = Get-FileSha256 (Join-Path $local 'body.db')
            BodySha256 = Get-FileSha256 (Join-Path $local 'body.gz')
        }
    }

    function script:Get-S3Names {
        param($Server, [string] $Url)
        $out = try { Invoke-Aws $Server s3 ls $Url } catch { if ("$_" -match 'NoSuchKey|does not exist|failed: $') { @() } else { throw } }
        @($out | ForEach-Object { ("$_" -split '\s+')[-1] } | Where-Object { $_ })
    }

    # A backup whose body was altered and gzipped again, its sidecar's sizes adjusted to match (an
    # attacker who can write the store can do both): only the checksum tells, and it must.
    function script:New-TamperedBackup {
        param([string] $Folder)
        New-Item -ItemType Directory -Force $Folder | Out-Null
        $name = Split-Path -Leaf $first.Name
        Copy-Item (Join-Path $home1 $name) (Join-Path $Folder $name)
        $metaPath = Join-Path $Folder "$name.meta.json"
        Copy-Item (Join-Path $home1 "$name.meta.json") $metaPath
        $raw = Join-Path $TestDrive 'tamper.db'
        & gzip -d -c (Join-Path $Folder $name) > $raw
        $bytes = [IO.File]::ReadAllBytes($raw)
        $bytes[$bytes.Length - 100] = $bytes[$bytes.Length - 100] -bxor 0xFF
        [IO.File]::WriteAllBytes($raw, $bytes)
        & gzip -c $raw > (Join-Path $Folder $name)
        $meta = Get-Content -Raw $metaPath | ConvertFrom-Json
        $meta.compressedSize = (Get-Item (Join-Path $Folder $name)).Length
        $meta | ConvertTo-Json -Depth 5 | Set-Content $metaPath
        $name
    }
}

AfterAll {
    Stop-S3Server $providerA
    Stop-S3Server $providerB
    Remove-Item -Recurse -Force $serverRoot -ErrorAction SilentlyContinue
}

Describe 'Copy-BqBackup in every direction' {
    It 'copies a folder backup to S3: awscli''s download gunzips to the bytes its sidecar''s SHA-256 names, and the sidecar is the source''s byte for byte' {
        $result = Get-BqBackup -Destination $home1 -Name $first.Name | Copy-BqBackup -To 's3://bqtest/from-folder/' @s3a
        $result.Action | Should -Be 'Copied'
        $result.ChecksumVerified | Should -BeTrue
        $result.Source | Should -Be $home1
        $result.Target | Should -Be 's3://bqtest/from-folder/'
        $copy = Get-S3Copy $providerA 's3://bqtest/from-folder/' $first.Name
        $copy.DatabaseSha256 | Should -Be $first.Sha256
        $copy.Meta.checksum | Should -Be $first.Sha256
        $copy.MetaBytes | Should -Be ([IO.File]::ReadAllBytes((Join-Path $home1 "$($first.Name).meta.json")))
        $copy.BodySha256 | Should -Be (Get-FileSha256 (Join-Path $home1 $first.Name))
    }

    It 'copies S3 to S3 across providers, each side with its own credentials (the piped backup carries its endpoint, -From… its keys)' {
        $result = Get-BqBackup -Destination 's3://bqtest/from-folder/' @s3a |
            Copy-BqBackup -To 's3://bqtest/from-a/' @s3b -FromAccessKey 'S3RVER' -FromSecretKey 'S3RVER'
        $result.Action | Should -Be 'Copied'
        $result.Backup.Destination | Should -Be 's3://bqtest/from-a/'
        $result.Backup.StoreSettings.EndpointUrl | Should -Be $providerB.Endpoint
        (Get-S3Copy $providerB 's3://bqtest/from-a/' $first.Name).DatabaseSha256 | Should -Be $first.Sha256
        # Provider A's key never reached provider B, nor B's key provider A: each refuses the other's.
        { Get-BqBackup -Destination 's3://bqtest/from-a/' -EndpointUrl $providerB.Endpoint -AccessKey 'S3RVER' -SecretKey 'S3RVER' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCredentials*'
    }

    It 'carries a body of several parts across providers exactly (ranged reads from one, a multipart upload to the other)' {
        # 14 MiB that does not compress: above two 6 MiB parts, so ranged reads and a multipart upload. A hand-made backup: the copier needs no more than a body and its sidecar.
        $source = Join-Path $TestDrive 'large'
        New-Item -ItemType Directory $source | Out-Null
        $raw = Join-Path $TestDrive 'large.db'
        $bytes = [byte[]]::new(14MB); [Random]::new(16).NextBytes($bytes); [IO.File]::WriteAllBytes($raw, $bytes)
        $name = 'backup-2026-01-02T03-04-05.db.gz'
        & gzip -1 -c $raw > (Join-Path $source $name)
        [ordered]@{ timestamp = '2026-01-02T03:04:05.000Z'; version = 'test'; size = $bytes.Length; compressedSize = (Get-Item (Join-Path $source $name)).Length
                    checksum = (Get-FileSha256 $raw); compressed = $true } | ConvertTo-Json | Set-Content (Join-Path $source "$name.meta.json")
        Copy-BqBackup -From $source -To 's3://bqtest/large/' -All @s3a | Out-Null
        $result = Copy-BqBackup -From 's3://bqtest/large/' -To 's3://bqtest/large/' -All @s3b @fromA
        $result.Action | Should -Be 'Copied'
        $result.ChecksumVerified | Should -BeTrue
        (Get-S3Copy $providerB 's3://bqtest/large/' $name).BodySha256 | Should -Be (Get-FileSha256 (Join-Path $source $name))
    }

    It 'reaches the source with the target''s keys when no -From… keys are given: another provider''s source is refused as InvalidCredentials, and nothing lands' {
        $err = $null
        Get-BqBackup -Destination 's3://bqtest/from-folder/' @s3a | Copy-BqBackup -To 's3://bqtest/wrong-keys/' @s3b -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredentials,*'
        Get-S3Names $providerB 's3://bqtest/wrong-keys/' | Should -BeNullOrEmpty
    }

    It 'copies S3 to a folder (-From with -Latest), and the folder copy restores' {
        $target = Join-Path $TestDrive 'offsite'
        $result = Copy-BqBackup -From 's3://bqtest/from-a/' -To $target -Latest @fromB
        $result.Action | Should -Be 'Copied'
        $result.Target | Should -Be $target
        & gzip -d -c (Join-Path $target $first.Name) > (Join-Path $TestDrive 'offsite.db')
        Get-FileSha256 (Join-Path $TestDrive 'offsite.db') | Should -Be $first.Sha256
        [IO.File]::ReadAllBytes((Join-Path $target "$($first.Name).meta.json")) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $home1 "$($first.Name).meta.json")))
        $restored = Join-Path $TestDrive 'restored-from-copy.db'
        (Get-BqBackup -Destination $target -Latest | Restore-BqBackup -Path $restored -Confirm:$false).ChecksumVerified | Should -BeTrue
        Get-FileSha256 $restored | Should -Be $first.Sha256
    }
}

Describe 'Copy-BqBackup is verified and never overwrites' {
    It 'refuses a tampered source body before anything is committed at the target (S3 and folder)' {
        $source = Join-Path $TestDrive 'tampered'
        $name = New-TamperedBackup $source
        $err = $null
        $out = Copy-BqBackup -From $source -To 's3://bqtest/tamper-target/' -All @s3b -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ChecksumMismatch,*'
        "$($err[0])" | Should -Match 'Nothing was committed'
        Get-S3Names $providerB 's3://bqtest/tamper-target/' | Should -BeNullOrEmpty
        Get-BqBackup -Destination 's3://bqtest/tamper-target/' @s3b | Should -BeNullOrEmpty

        $folder = Join-Path $TestDrive 'tamper-folder-target'
        $err = $null
        Copy-BqBackup -From $source -To $folder -Name $name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ChecksumMismatch,*'
        # Not even a hidden partial file is left.
        @(Get-ChildItem -Force $folder -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'refuses a source backup without its sidecar (BackupMetadataMissing) and copies the rest' {
        $source = Join-Path $TestDrive 'no-sidecar'
        New-Item -ItemType Directory $source | Out-Null
        Copy-Item (Join-Path $home1 $first.Name) $source
        Copy-Item (Join-Path $home1 $second.Name), (Join-Path $home1 "$($second.Name).meta.json") $source
        $target = Join-Path $TestDrive 'no-sidecar-target'
        $err = $null
        $out = Copy-BqBackup -From $source -To $target -All -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BackupMetadataMissing,*'
        $out.Name | Should -Be $second.Name
        (Get-ChildItem $target).Name | Sort-Object | Should -Be (@($second.Name, "$($second.Name).meta.json") | Sort-Object)
    }

    It 'skips a backup the target already holds, identical, and reports it as Skipped without writing' {
        # awscli's listing shows each object's time and size: the skip must leave both as they were.
        $before = Invoke-Aws $providerA s3 ls 's3://bqtest/from-folder/'
        Start-Sleep -Milliseconds 1100
        $result = Get-BqBackup -Destination $home1 -Name $first.Name | Copy-BqBackup -To 's3://bqtest/from-folder/' @s3a
        $result.Action | Should -Be 'Skipped'
        $result.ChecksumVerified | Should -BeFalse
        $result.Backup.Destination | Should -Be 's3://bqtest/from-folder/'
        Invoke-Aws $providerA s3 ls 's3://bqtest/from-folder/' | Should -Be $before
    }

    It 'refuses to overwrite a different backup of the same name in the target (CopyTargetDiffers), leaving it as it was' {
        $target = Join-Path $TestDrive 'conflict'
        New-Item -ItemType Directory $target | Out-Null
        # Another backup's body and sidecar under the first's name.
        Copy-Item (Join-Path $home1 $second.Name) (Join-Path $target $first.Name)
        Copy-Item (Join-Path $home1 "$($second.Name).meta.json") (Join-Path $target "$($first.Name).meta.json")
        $hashes = Get-ChildItem $target | ForEach-Object { Get-FileSha256 $_.FullName }
        $err = $null
        Copy-BqBackup -From $home1 -To $target -Name $first.Name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CopyTargetDiffers,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-ChildItem $target | ForEach-Object { Get-FileSha256 $_.FullName } | Should -Be $hashes
    }

    It 'refuses a copy onto the store the backups come from (CopySameDestination, terminating)' {
        { Copy-BqBackup -From $home1 -To $home1 -All } | Should -Throw -ErrorId 'CopySameDestination*'
    }
}

Describe 'Copy-BqBackup killed' {
    It 'killed at <Step> leaves nothing that lists as a backup in the target, and the next copy completes it' -ForEach @(
        @{ Step = 'copy-body-verified' }, @{ Step = 'copy-sidecar-written' }) {
        $target = Join-Path $TestDrive "killed-$Step"
        # A kill, not an exception (BQBACKUP_KILL_AT): no finally block runs, as with kill -9.
        Invoke-WithEnvironment @{ BQBACKUP_KILL_AT = $Step } {
            Invoke-ChildPwsh "Copy-BqBackup -From '$home1' -To '$target' -Name '$($first.Name)'" } | Out-Null
        Test-Path (Join-Path $target $first.Name) | Should -BeFalse
        Get-BqBackup -Destination $target | Should -BeNullOrEmpty
        $result = Copy-BqBackup -From $home1 -To $target -Name $first.Name
        $result.Action | Should -Be 'Copied'
        (Get-BqBackup -Destination $target).Sha256 | Should -Be $first.Sha256
        # The killed run's hidden partial file was cleaned up by the next copy into that folder.
        @(Get-ChildItem -Force $target | Where-Object Name -like '.*') | Should -HaveCount 0
    }
}

Describe 'Copy-BqBackup -Missing' {
    It 'copies exactly what the target lacks, and is a no-op the second time' {
        $source = Join-Path $TestDrive 'mirror-source'
        foreach ($i in 1..3) { New-BqBackup -Path $db -Destination $source | Out-Null }
        $all = Get-BqBackup -Destination $source
        Copy-BqBackup -From $source -To 's3://bqtest/mirror/' -Name $all[1].Name @s3b | Out-Null

        $copied = Copy-BqBackup -From $source -To 's3://bqtest/mirror/' -Missing @s3b
        $copied.Action | Should -Be 'Copied', 'Copied'
        $copied.Name | Sort-Object | Should -Be (@($all[0].Name, $all[2].Name) | Sort-Object)
        $names = Get-S3Names $providerB 's3://bqtest/mirror/'
        $names | Where-Object { $_ -notlike '*.meta.json' } | Sort-Object | Should -Be ($all.Name | Sort-Object)
        $names | Where-Object { $_ -like '*.meta.json' } | Should -HaveCount 3

        Copy-BqBackup -From $source -To 's3://bqtest/mirror/' -Missing @s3b | Should -BeNullOrEmpty
        Get-S3Names $providerB 's3://bqtest/mirror/' | Should -Be $names
    }
}

Describe 'Register-BqBackupSchedule -CopyTo' {
    It 'adds a mirror step the job runs after the backup: its command line, run as cron would, leaves the new backup in both destinations' {
        $source = Join-Path $TestDrive 'scheduled-source'
        $target = Join-Path $TestDrive 'scheduled-copy'
        $job = Register-BqBackupSchedule -Path $db -Destination $source -CopyTo $target -AsCron
        # Shell-quoted: '\'' around each value.
        $job.Command | Should -Match ("Copy-BqBackup -From \S*" + [regex]::Escape($source) + "\S* -To \S*" + [regex]::Escape($target) + "\S* -Missing")
        & /bin/sh -c $job.Command | Out-Null
        $LASTEXITCODE | Should -Be 0
        $made = @(Get-BqBackup -Destination $source)
        $made | Should -HaveCount 1
        (Get-BqBackup -Destination $target).Name | Should -Be $made[0].Name
        (Get-BqBackup -Destination $target).Sha256 | Should -Be $made[0].Sha256
    }
}

Describe 'A -CopyTo schedule whose primary endpoint comes from S3_ENDPOINT' {
    It 'reads the source at S3_ENDPOINT, not at -CopyToEndpointUrl: the job leaves the new backup on both providers' {
        $credentials = Join-Path $TestDrive 'schedule-credentials'
        "[primary]`naws_access_key_id = S3RVER`naws_secret_access_key = S3RVER`n[two]`naws_access_key_id = PROVIDERTWO`naws_secret_access_key = provider-two-secret`n" |
            Set-Content -NoNewline $credentials
        $job = Register-BqBackupSchedule -Path $db -Destination 's3://bqtest/env-primary/' -ProfileName primary -CopyTo 's3://bqtest/env-copy/' `
            -CopyToEndpointUrl $providerB.Endpoint -CopyToProfileName two -CopyToRegion us-east-1 -AsCron
        Invoke-WithEnvironment @{ S3_ENDPOINT = $providerA.Endpoint; S3_REGION = 'us-east-1'; AWS_SHARED_CREDENTIALS_FILE = $credentials } {
            & /bin/sh -c $job.Command 2>&1 | Out-Null
        }
        $LASTEXITCODE | Should -Be 0
        $made = @(Get-BqBackup -Destination 's3://bqtest/env-primary/' @s3a)
        $made | Should -HaveCount 1
        $copied = @(Get-BqBackup -Destination 's3://bqtest/env-copy/' @s3b)
        $copied.Name | Should -Be $made[0].Name
        $copied.Sha256 | Should -Be $made[0].Sha256
    }
}

Describe 'Copy-BqBackup completion' {
    It 'completes -Name from the backups in -From, and -To as -Destination (folders)' {
        $line = "Copy-BqBackup -From '$home1' -To x -Name "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @($second.Name, $first.Name)
        $line = "Copy-BqBackup -From '$home1' -To '$(Join-Path $TestDrive 'prim')"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain "'$home1'"
    }
}

Describe 'Copy-BqBackup -WhatIf' {
    It 'says what it would copy and changes nothing (-WhatIf and $WhatIfPreference), not even creating the target folder' {
        $target = Join-Path $TestDrive 'whatif-target'
        # One child pwsh for both forms: -WhatIf texts go to the host, which only a child's output captures.
        $text = Invoke-ChildPwsh ("Copy-BqBackup -From '$home1' -To '$target' -All -WhatIf; 'PREFERENCE'; " +
            "`$WhatIfPreference = `$true; Copy-BqBackup -From '$home1' -To 's3://bqtest/whatif/' -Missing -EndpointUrl '$($providerA.Endpoint)' -AccessKey S3RVER -SecretKey S3RVER")
        $switch, $preference = $text -split 'PREFERENCE'
        $switch | Should -Match ([regex]::Escape("What if: Copy '$($first.Name)'"))
        $switch | Should -Match ([regex]::Escape("What if: Copy '$($second.Name)'"))
        $switch | Should -Match ([regex]::Escape("to '$target'"))
        Test-Path $target | Should -BeFalse
        $preference | Should -Match ([regex]::Escape("What if: Copy '$($first.Name)'"))
        Get-S3Names $providerA 's3://bqtest/whatif/' | Should -BeNullOrEmpty
    }
}

Describe 'Copy-BqBackup of an encrypted backup' {
    It 'copies it as it is without a key, and the copy still restores with the identity' {
        $keyFile = Join-Path $TestDrive 'copy-key.txt'
        & /usr/bin/age-keygen -o $keyFile 2>$null
        $pub = (& /usr/bin/age-keygen -y $keyFile).Trim()
        $source = Join-Path $TestDrive 'encrypted'
        $backup = New-BqBackup -Path $db -Destination $source -Recipient $pub
        $result = Get-BqBackup -Destination $source | Copy-BqBackup -To 's3://bqtest/encrypted/' @s3a
        $result.Action | Should -Be 'Copied'
        $result.Encrypted | Should -BeTrue
        $result.ChecksumVerified | Should -BeFalse
        $local = Join-Path $TestDrive 'encrypted-copy.age'
        Invoke-Aws $providerA s3 cp "s3://bqtest/encrypted/$($backup.Name)" $local | Out-Null
        Get-FileSha256 $local | Should -Be (Get-FileSha256 (Join-Path $source $backup.Name))
        $restored = Join-Path $TestDrive 'restored-encrypted.db'
        Get-BqBackup -Destination 's3://bqtest/encrypted/' -Latest @s3a | Restore-BqBackup -Path $restored -IdentityFile $keyFile -Confirm:$false -ErrorAction Stop @s3a | Out-Null
        Get-FileSha256 $restored | Should -Be $backup.Sha256
    }
}

Describe 'Copy-BqBackup of zstd backups' {
    It 'copies a .db.zst from a folder to S3, verified by its own codec: the stock zstd -d reads the copy to the database the sidecar names' {
        $source = Join-Path $TestDrive 'zstd-source'
        $backup = New-BqBackup -Path $db -Destination $source -Compression Zstd -CompressionLevel Fastest
        $backup.Name | Should -Match '\.db\.zst$'
        $result = Get-BqBackup -Destination $source | Copy-BqBackup -To 's3://bqtest/zstd/' @s3a
        $result.Action | Should -Be 'Copied'
        $result.ChecksumVerified | Should -BeTrue
        $result.Backup.Compression | Should -Be 'Zstd'
        $result.Backup.Destination | Should -Be 's3://bqtest/zstd/'
        $local = Join-Path $TestDrive 'zstd-copy.db.zst'
        Invoke-Aws $providerA s3 cp "s3://bqtest/zstd/$($backup.Name)" $local | Out-Null
        Get-FileSha256 $local | Should -Be (Get-FileSha256 (Join-Path $source $backup.Name))
        & /usr/bin/zstd -q -d -f $local -o (Join-Path $TestDrive 'zstd-copy.db'); $LASTEXITCODE | Should -Be 0
        Get-FileSha256 (Join-Path $TestDrive 'zstd-copy.db') | Should -Be $backup.Sha256
        (Invoke-Aws $providerA s3api head-object --bucket bqtest --key "zstd/$($backup.Name)" | ConvertFrom-Json).ContentType | Should -Be 'application/zstd'
        (Get-BqBackup -Destination 's3://bqtest/zstd/' @s3a).Compression | Should -Be 'Zstd'
    }

    It 'refuses a zstd body altered after the backup (the checksum over what zstd decodes) and commits nothing' {
        $source = Join-Path $TestDrive 'zstd-tampered'
        $backup = New-BqBackup -Path $db -Destination $source -Compression Zstd -CompressionLevel Fastest
        $body = Join-Path $source $backup.Name
        $raw = Join-Path $TestDrive 'zstd-tamper.db'
        & /usr/bin/zstd -q -d -f $body -o $raw
        $bytes = [IO.File]::ReadAllBytes($raw)
        $bytes[$bytes.Length - 100] = $bytes[$bytes.Length - 100] -bxor 0xFF
        [IO.File]::WriteAllBytes($raw, $bytes)
        & /usr/bin/zstd -q -f $raw -o $body
        $meta = Get-Content -Raw "$body.meta.json" | ConvertFrom-Json
        $meta.compressedSize = (Get-Item $body).Length
        $meta | ConvertTo-Json -Depth 5 | Set-Content "$body.meta.json"
        $target = Join-Path $TestDrive 'zstd-tampered-copy'
        $e = { Get-BqBackup -Destination $source | Copy-BqBackup -To $target -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ChecksumMismatch,BqBackup.Commands.CopyBqBackupCommand'
        @(Get-ChildItem $target -File -ErrorAction Ignore).Count | Should -Be 0
    }

    It 'copies an age-encrypted zstd backup (.db.zst.age) as it is, and the copy opens with age -d | zstd -d' {
        $keyFile = Join-Path $TestDrive 'zstd-copy-key.txt'
        & /usr/bin/age-keygen -o $keyFile 2>$null
        $pub = (& /usr/bin/age-keygen -y $keyFile).Trim()
        $source = Join-Path $TestDrive 'zstd-encrypted'
        $backup = New-BqBackup -Path $db -Destination $source -Compression Zstd -Recipient $pub
        $backup.Name | Should -Match '\.db\.zst\.age$'
        $result = Get-BqBackup -Destination $source | Copy-BqBackup -To 's3://bqtest/zstd-encrypted/' @s3a
        $result.Action | Should -Be 'Copied'
        $local = Join-Path $TestDrive 'zstd-encrypted-copy'
        Invoke-Aws $providerA s3 cp "s3://bqtest/zstd-encrypted/$($backup.Name)" $local | Out-Null
        $plain = Join-Path $TestDrive 'zstd-encrypted-plain.db'
        & /bin/sh -c "/usr/bin/age -d -i '$keyFile' '$local' | /usr/bin/zstd -q -d -c > '$plain'"
        $LASTEXITCODE | Should -Be 0
        Get-FileSha256 $plain | Should -Be $backup.Sha256
    }
}

Describe 'Copy-BqBackup inside one S3 service (moto)' {
    BeforeAll {
        # The shared moto checks every request's signature; its parts of a server-side multipart copy are
        # small here (the threshold seam below): moto checks S3's 5 MiB minimum unless told otherwise.
        $script:motoServer = Start-MotoServer -Root $serverRoot.FullName -Environment @{ S3_UPLOAD_PART_MIN_SIZE = '1024' }
        New-MotoBucket $motoServer 'bqcopy' | Out-Null
        $script:s3m = $motoServer.Parameters
        Copy-BqBackup -From $home1 -To 's3://bqcopy/primary/' -All @s3m | Out-Null
    }
    AfterAll {
        Stop-MotoServer $motoServer
    }

    It 'copies within the same endpoint and credentials by CopyObject, after verifying the source' {
        $result = Copy-BqBackup -From 's3://bqcopy/primary/' -To 's3://bqcopy/second/' -Name $first.Name @s3m
        $result.Action | Should -Be 'ServerSideCopied'
        $result.ChecksumVerified | Should -BeTrue
        (Get-S3Copy $motoServer 's3://bqcopy/second/' $first.Name).DatabaseSha256 | Should -Be $first.Sha256
    }

    It 'copies part by part (UploadPartCopy) above the single-copy limit (a small limit through the test seam)' {
        $options = Get-BqInternalType 'BqBackup.Copy.CopyOptions'
        $flags = [Reflection.BindingFlags] 'Static, NonPublic'
        $options.GetProperty('SingleCopyLimitForTests', $flags).SetValue($null, [Nullable[long]] 4096)
        $options.GetProperty('CopyPartSizeForTests', $flags).SetValue($null, [Nullable[long]] 16384)
        try {
            $result = Copy-BqBackup -From 's3://bqcopy/primary/' -To 's3://bqcopy/parts/' -Name $second.Name @s3m -Verbose 4>&1
            $copied = $result | Where-Object { $_ -is [BqBackup.Copy.CopyResult] }
            $copied.Action | Should -Be 'ServerSideCopied'
            ($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n" | Should -Match 'part by part \(UploadPartCopy\)'
        }
        finally {
            $options.GetProperty('SingleCopyLimitForTests', $flags).SetValue($null, $null)
            $options.GetProperty('CopyPartSizeForTests', $flags).SetValue($null, $null)
        }
        $second.Size | Should -BeGreaterThan 16384 # more than one part
        $copy = Get-S3Copy $motoServer 's3://bqcopy/parts/' $second.Name
        $copy.DatabaseSha256 | Should -Be $second.Sha256
        $copy.BodySha256 | Should -Be (Get-FileSha256 (Join-Path $home1 $second.Name))
        # A multipart object's ETag says how many parts it was put together from.
        (Invoke-Aws $motoServer s3api head-object --bucket bqcopy --key "parts/$($second.Name)" | ConvertFrom-Json).ETag | Should -Match '-\d+"?$'
    }

    It 'locks each copy at the target with -LockMode/-LockDays, streamed and server-side alike (read back with awscli)' {
        New-MotoBucket $motoServer 'bqlocked' -ObjectLock | Out-Null
        $before = [datetime]::UtcNow
        $streamed = Copy-BqBackup -From $home1 -To 's3://bqlocked/streamed/' -Name $first.Name -LockMode Governance -LockDays 2 @s3m
        $streamed.Action | Should -Be 'Copied'
        $streamed.Backup.LockMode | Should -Be 'Governance'
        $streamed.Backup.LockedUntil | Should -BeGreaterThan $before.AddDays(2).AddMinutes(-1)
        # Inside the service, part by part (the seam): the lock goes on CreateMultipartUpload, and is set
        # on the copy after CompleteMultipartUpload where the server dropped it (moto does).
        $options = Get-BqInternalType 'BqBackup.Copy.CopyOptions'
        $flags = [Reflection.BindingFlags] 'Static, NonPublic'
        $options.GetProperty('SingleCopyLimitForTests', $flags).SetValue($null, [Nullable[long]] 4096)
        $options.GetProperty('CopyPartSizeForTests', $flags).SetValue($null, [Nullable[long]] 16384)
        try { $serverSide = Copy-BqBackup -From 's3://bqcopy/primary/' -To 's3://bqlocked/server-side/' -Name $first.Name -LockMode Compliance -LockDays 1 @s3m }
        finally {
            $options.GetProperty('SingleCopyLimitForTests', $flags).SetValue($null, $null)
            $options.GetProperty('CopyPartSizeForTests', $flags).SetValue($null, $null)
        }
        $serverSide.Action | Should -Be 'ServerSideCopied'
        $serverSide.Backup.LockMode | Should -Be 'Compliance'
        # One CopyObject: moto refuses lock headers without a Content-MD5 (which a copy has no body for),
        # so the body is streamed instead, its upload carrying checksum and lock; nothing is left unlocked.
        $single = Copy-BqBackup -From 's3://bqcopy/primary/' -To 's3://bqlocked/single/' -Name $first.Name -LockMode Governance -LockDays 1 @s3m -Verbose 4>&1
        $copied = $single | Where-Object { $_ -is [BqBackup.Copy.CopyResult] }
        $copied.Action | Should -BeIn 'ServerSideCopied', 'Copied'
        $copied.Backup.LockMode | Should -Be 'Governance'
        foreach ($case in @(@{ Key = "streamed/$($first.Name)"; Mode = 'GOVERNANCE'; Days = 2 }, @{ Key = "server-side/$($first.Name)"; Mode = 'COMPLIANCE'; Days = 1 },
                @{ Key = "single/$($first.Name)"; Mode = 'GOVERNANCE'; Days = 1 })) {
            foreach ($key in $case.Key, "$($case.Key).meta.json") {
                $head = Invoke-Aws $motoServer s3api head-object --bucket bqlocked --key $key | ConvertFrom-Json
                $head.ObjectLockMode | Should -Be $case.Mode
                ([datetime]$head.ObjectLockRetainUntilDate).ToUniversalTime() | Should -BeGreaterThan $before.AddDays($case.Days).AddMinutes(-1)
            }
        }
        (Get-BqBackup -Destination 's3://bqlocked/streamed/' @s3m).LockMode | Should -Be 'Governance'
    }

    It 'refuses -LockMode for a bucket without Object Lock (ObjectLockNotEnabled) and for a folder (InvalidLockSetting), writing nothing' {
        New-MotoBucket $motoServer 'bqunlocked' | Out-Null
        $e = { Copy-BqBackup -From $home1 -To 's3://bqunlocked/' -All -LockMode Governance -LockDays 1 @s3m } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ObjectLockNotEnabled,BqBackup.Commands.CopyBqBackupCommand'
        Get-S3Names $motoServer 's3://bqunlocked/' | Should -BeNullOrEmpty
        $folder = Join-Path $TestDrive 'lock-folder'
        $e = { Copy-BqBackup -From 's3://bqcopy/primary/' -To $folder -All -LockMode Governance -LockDays 1 @s3m } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'InvalidLockSetting,BqBackup.Commands.CopyBqBackupCommand'
        Test-Path $folder | Should -BeFalse
    }

    It 'copies the backups every current version of which was deleted (Get-BqBackup -IncludeDeleted) to a folder and to another prefix, and they restore' {
        New-MotoBucket $motoServer 'bqversioned' -Versioning | Out-Null
        Copy-BqBackup -From $home1 -To 's3://bqversioned/' -All @s3m | Out-Null
        Invoke-Aws $motoServer s3 rm 's3://bqversioned/' --recursive | Out-Null
        Get-BqBackup -Destination 's3://bqversioned/' @s3m | Should -BeNullOrEmpty
        $deleted = @(Get-BqBackup -Destination 's3://bqversioned/' -IncludeDeleted @s3m)
        $deleted.Count | Should -Be 2
        $deleted | ForEach-Object { $_.Deleted | Should -BeTrue; $_.VersionId | Should -Not -BeNullOrEmpty }

        $rescue = Join-Path $TestDrive 'rescued'
        # The piped backups carry their endpoint, never their keys: -From… gives those.
        $fromMoto = @{ FromAccessKey = $motoServer.AccessKey; FromSecretKey = $motoServer.SecretKey }
        $results = @($deleted | Copy-BqBackup -To $rescue @fromMoto)
        $results.Action | Should -Be @('Copied', 'Copied')
        $results | ForEach-Object { $_.ChecksumVerified | Should -BeTrue; $_.Backup.Deleted | Should -BeFalse; $_.Backup.VersionId | Should -BeNullOrEmpty }
        $listed = @(Get-BqBackup -Destination $rescue)
        $listed.Name | Should -Be @($second.Name, $first.Name)
        $restored = Join-Path $TestDrive 'rescued.db'
        Get-BqBackup -Destination $rescue -Latest | Restore-BqBackup -Path $restored -Confirm:$false | Out-Null
        Get-FileSha256 $restored | Should -Be $second.Sha256

        # Inside the service: CopyObject names the version (x-amz-copy-source versionId).
        $inside = @(Get-BqBackup -Destination 's3://bqversioned/' -IncludeDeleted @s3m | Copy-BqBackup -To 's3://bqcopy/rescued/' @s3m)
        $inside.Action | Should -Be @('ServerSideCopied', 'ServerSideCopied')
        (Get-S3Copy $motoServer 's3://bqcopy/rescued/' $second.Name).DatabaseSha256 | Should -Be $second.Sha256
    }
}

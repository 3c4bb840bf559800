# The package build.ps1 -Task Package (and Test) makes: out/package/BqBackup, a module folder with
# native SQLite under runtimes/<rid>/native/ for each runtime BqBackup.psd1's
# PrivateData.PackageRuntimes names (the one list of them), and the .nupkg made from it.
BeforeDiscovery {
    $script:Runtimes = @((Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../BqBackup.psd1')).PrivateData.PackageRuntimes |
        ForEach-Object { @{ Rid = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:PackageDir = Join-Path $RepoRoot 'out/package'
    $script:PackagedModule = Join-Path $PackageDir 'BqBackup'
    $script:Version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'BqBackup.psd1')).ModuleVersion
    $script:Nupkg = Join-Path $PackageDir "BqBackup.$Version.nupkg"
    $script:Loader = [BqBackup.Native.SqliteNativeLoader]
    $script:PackageRuntimes = @((Import-PowerShellDataFile (Join-Path $RepoRoot 'BqBackup.psd1')).PrivateData.PackageRuntimes)
    # How each OS names the library, and what a runtime identifier's parts mean to .NET.
    $script:LibraryFile = @{ linux = 'libe_sqlite3.so'; 'linux-musl' = 'libe_sqlite3.so'; win = 'e_sqlite3.dll'; osx = 'libe_sqlite3.dylib' }
    $script:OsOf = @{ linux = 'Linux'; 'linux-musl' = 'Linux'; win = 'Windows'; osx = 'OSX' }
    # A runtime identifier's OS part (linux, linux-musl, win, osx) and architecture part (x64, arm64, ...).
    function Split-Rid([string] $Rid) {
        if ($Rid -notmatch '^(?<os>[a-z]+(-musl)?)-(?<arch>[a-z0-9]+)$') { throw "'$Rid' is not an <os>-<arch> runtime identifier." }
        $Matches['os'], $Matches['arch']
    }
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    # Runs a script in a fresh pwsh (nothing of this session loaded) and returns its output lines.
    function Invoke-FreshPwsh([string] $Script) {
        $exe = [Environment]::ProcessPath
        $file = Join-Path $TestDrive ("fresh-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script
        $output = if ((Split-Path $exe -Leaf) -like 'dotnet*') {
            & $exe (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1
        } else {
            & $exe -NoProfile -NonInteractive -File $file 2>&1
        }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
}

Describe 'The loader''s choice of native library' {
    It 'puts <Rid> at runtimes/<Rid>/native/, named as its OS names libraries' -ForEach $Runtimes {
        $os, $arch = Split-Rid $Rid
        $Loader::RelativePath($Rid) | Should -Be "runtimes/$Rid/native/$($LibraryFile[$os])"
    }

    It 'works out <Rid> from its OS and process architecture, so it can pick that library' -ForEach $Runtimes {
        $os, $arch = Split-Rid $Rid
        $platform = [System.Runtime.InteropServices.OSPlatform]::($OsOf[$os])
        $architecture = [System.Runtime.InteropServices.Architecture] $arch
        $Loader::RuntimeIdentifier($platform, $architecture, $os -eq 'linux-musl') | Should -Be $Rid
    }

    It 'knows musl Linux and refuses an empty runtime identifier' {
        $Loader::RuntimeIdentifier([System.Runtime.InteropServices.OSPlatform]::Linux, 'X64', $true) | Should -Be 'linux-musl-x64'
        { $Loader::RelativePath('') } | Should -Throw
    }

    It 'names this process''s runtime from the process architecture' {
        $expected = '{0}-{1}' -f $(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } elseif (Test-Path /etc/alpine-release) { 'linux-musl' } else { 'linux' }),
            [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        $Loader::CurrentRuntimeIdentifier() | Should -Be $expected
    }

    It 'takes the Build task''s one library from Dependencies/, through the module''s load context' {
        # out/BqBackup has the library beside the third-party DLLs and no runtimes/ folder.
        $Loader::Mechanism | Should -Be 'LoadContext'
        $Loader::CandidatePath | Should -Be (Join-Path $RepoRoot "out/BqBackup/Dependencies/$(Split-Path $Loader::RelativePath($Loader::CurrentRuntimeIdentifier()) -Leaf)")
    }
}

Describe 'The packaged module folder' {
    It 'has the native library of <Rid> where the loader looks, named as its OS names libraries' -ForEach $Runtimes {
        $file = Join-Path $PackagedModule $Loader::RelativePath($Rid)
        $file | Should -Exist
        (Get-Item $file).Length | Should -BeGreaterThan 500KB
    }

    It 'carries <Rid>''s own binary: ELF, PE or Mach-O, for the right CPU' -ForEach $Runtimes {
        $os, $arch = Split-Rid $Rid
        $b = [IO.File]::ReadAllBytes((Join-Path $PackagedModule $Loader::RelativePath($Rid)))
        switch ($os) {
            { $_ -like 'linux*' } {
                [Text.Encoding]::ASCII.GetString($b, 1, 3) | Should -Be 'ELF'
                [BitConverter]::ToUInt16($b, 18) | Should -Be (@{ x64 = 0x3E; arm64 = 0xB7 }[$arch])                  # e_machine: EM_X86_64, EM_AARCH64
            }
            'win' {
                [Text.Encoding]::ASCII.GetString($b, 0, 2) | Should -Be 'MZ'
                $peHeader = [BitConverter]::ToInt32($b, 0x3C)
                [BitConverter]::ToUInt16($b, $peHeader + 4) | Should -Be (@{ x64 = 0x8664; arm64 = 0xAA64 }[$arch])   # Machine: AMD64, ARM64
            }
            'osx' {
                [BitConverter]::ToUInt32($b, 0).ToString('X8') | Should -Be 'FEEDFACF'                                # MH_MAGIC_64
                [BitConverter]::ToUInt32($b, 4).ToString('X8') | Should -Be (@{ x64 = '01000007'; arm64 = '0100000C' }[$arch]) # CPU_TYPE_X86_64, CPU_TYPE_ARM64
            }
            default { throw "No check for the binaries of $Rid yet." }
        }
    }

    It 'has no native library beside the DLLs, so the loader''s choice is the only one' {
        foreach ($flat in 'libe_sqlite3.so', 'e_sqlite3.dll', 'libe_sqlite3.dylib') {
            Join-Path $PackagedModule $flat | Should -Not -Exist
            Join-Path $PackagedModule "Dependencies/$flat" | Should -Not -Exist
        }
        @(Get-ChildItem (Join-Path $PackagedModule 'runtimes')).Name | Sort-Object | Should -Be (@($PackageRuntimes) | Sort-Object)
    }

    It 'has the cmdlets and the loader at the top and the engine and third-party assemblies in Dependencies/' {
        (@(Get-ChildItem -LiteralPath $PackagedModule -Filter '*.dll').Name | Sort-Object) -join ', ' |
            Should -Be 'BqBackup.dll, BqBackup.Loader.dll'
        $dependencies = @(Get-ChildItem -LiteralPath (Join-Path $PackagedModule 'Dependencies') -File).Name
        foreach ($dll in 'BqBackup.Core.dll', 'AWSSDK.Core.dll', 'AWSSDK.S3.dll', 'Microsoft.Data.Sqlite.dll', 'SQLitePCLRaw.core.dll', 'SQLitePCLRaw.provider.e_sqlite3.dll', 'System.Text.Json.dll', 'BouncyCastle.Cryptography.dll') {
            $dependencies | Should -Contain $dll
        }
        @($dependencies | Where-Object { $_ -notlike '*.dll' -and $_ -ne 'BqBackup.Core.pdb' }) | Should -BeNullOrEmpty
    }

    It 'has the manifest, the help, the about topic, the format views and the license' {
        foreach ($f in 'BqBackup.psd1', 'BqBackup.Loading.psm1', 'BqBackup.dll', 'Dependencies/BqBackup.Core.dll', 'BqBackup.Loader.dll', 'BqBackup.dll-Help.xml', 'en-US/about_BqBackup.help.txt', 'BqBackup.Format.ps1xml', 'LICENSE') {
            Join-Path $PackagedModule $f | Should -Exist
        }
        Test-ModuleManifest (Join-Path $PackagedModule 'BqBackup.psd1') -ErrorAction Stop | Should -Not -BeNullOrEmpty
    }
}

Describe 'The .nupkg' {
    BeforeAll {
        $script:entries = @([System.IO.Compression.ZipFile]::OpenRead($Nupkg) | ForEach-Object { try { $_.Entries.FullName } finally { $_.Dispose() } })
    }

    It 'is written for Publish-PSResource' { $Nupkg | Should -Exist }

    It 'holds the module with every runtime''s native library' {
        $entries | Should -Contain 'BqBackup.psd1'
        $entries | Should -Contain 'BqBackup.dll'
        $entries | Should -Contain 'BqBackup.Loader.dll'
        $entries | Should -Contain 'Dependencies/AWSSDK.Core.dll'
        $entries | Should -Contain 'BqBackup.dll-Help.xml'
        $entries | Should -Contain 'en-US/about_BqBackup.help.txt'
        foreach ($rid in $PackageRuntimes) { $entries | Should -Contain $Loader::RelativePath($rid) }
    }

    It 'carries the manifest''s metadata in its nuspec' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'BqBackup.nuspec').Open())
            $nuspec = [xml] $reader.ReadToEnd()
            $reader.Dispose()
        } finally { $zip.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'BqBackup'
        $nuspec.package.metadata.version | Should -Be $Version
        $nuspec.package.metadata.tags | Should -Match 'PSModule'
        $nuspec.package.metadata.tags | Should -Match 'bunqueue'
        "$($nuspec.package.metadata.projectUrl)" | Should -Match '^https://'
    }
}

Describe 'The packaged module, imported in a fresh pwsh' -Skip:(-not ($IsLinux -and [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'X64')) {
    It 'loads linux-x64''s library from runtimes/ and takes, lists and restores a backup' {
        # Installed as Install-PSResource would: the .nupkg's content in a folder named BqBackup.
        $installed = Join-Path $TestDrive 'modules/BqBackup'
        [System.IO.Compression.ZipFile]::ExtractToDirectory($Nupkg, $installed)
        $work = Join-Path $TestDrive 'fresh'
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$installed/BqBackup.psd1'
`$db = '$work/queue.db'
New-Item -ItemType Directory -Force '$work' | Out-Null
[BqBackup.Sample.SampleDatabase]::Create(`$db, 40, 1, 200) | Out-Null
`$b = New-BqBackup -Path `$db -Destination '$work/backups'
`$r = Get-BqBackup -Destination '$work/backups' -Latest | Restore-BqBackup -Path '$work/restored.db' -Confirm:`$false
"mechanism=`$([BqBackup.Native.SqliteNativeLoader]::Mechanism) dependencies=`$([BqBackup.Loading.DependencyLoader]::Mechanism)"
"sqlite-context=`$((@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Data.Sqlite' }) | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }) -join ',')"
"loaded=`$([BqBackup.Native.SqliteNativeLoader]::LoadedFrom)"
"jobs=`$(`$b.Counts.Jobs) restored=`$(`$r.Counts.Jobs) verified=`$(`$r.ChecksumVerified)"
"mapped=`$((Get-Content /proc/self/maps | Where-Object { `$_ -match '/(lib)?e_sqlite3\.(so|dylib|dll)`$' } | ForEach-Object { (`$_ -split '\s+', 6)[5] } | Sort-Object -Unique) -join ';')"
"help=`$((Get-Help New-BqBackup).Synopsis)"
"@
        $text = $result.Output -join "`n"
        $result.ExitCode | Should -Be 0 -Because $text
        $expected = Join-Path $installed 'runtimes/linux-x64/native/libe_sqlite3.so'
        $text | Should -Match 'mechanism=LoadContext dependencies=LoadContext'
        # Microsoft.Data.Sqlite (once) in the module's own load context, not PowerShell's default one.
        $text | Should -Match '(?m)^sqlite-context=BqBackup$'
        $text | Should -Match "loaded=$([regex]::Escape($expected))"
        $text | Should -Match 'jobs=40 restored=40 verified=True'
        # The only e_sqlite3 mapped into the process is the packaged one: no other copy was found first.
        $text | Should -Match "mapped=$([regex]::Escape($expected))(\n|$)"
        $text | Should -Match 'help=Takes a consistent snapshot'
    }
}

Describe 'The packaged runtimes are named in one place, BqBackup.psd1''s PrivateData.PackageRuntimes' {
    It 'names some, each <os>-<arch> of an OS the loader knows' {
        $PackageRuntimes.Count | Should -BeGreaterThan 0
        foreach ($rid in $PackageRuntimes) { $os, $arch = Split-Rid $rid; $OsOf.Keys | Should -Contain $os }
    }

    It 'is what the README''s Packaging layout shows, and no more' {
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $section = [regex]::Match($readme, '(?ms)^## Packaging\s*$(.*?)(?=^## )').Groups[1].Value
        $shown = @([regex]::Matches($section, 'runtimes/([a-z0-9-]+)/native/(\S+)') | ForEach-Object { $_.Groups[1].Value })
        ($shown | Sort-Object) -join ', ' | Should -Be (($PackageRuntimes | Sort-Object) -join ', ')
        foreach ($rid in $PackageRuntimes) { $section | Should -Match ([regex]::Escape($Loader::RelativePath($rid))) }
    }

    It 'agrees with the gallery tags: each runtime''s OS is tagged' {
        $tags = (Import-PowerShellDataFile (Join-Path $RepoRoot 'BqBackup.psd1')).PrivateData.PSData.Tags
        $tagOf = @{ Linux = 'Linux'; Windows = 'Windows'; OSX = 'MacOS' }
        foreach ($rid in $PackageRuntimes) { $os, $arch = Split-Rid $rid; $tags | Should -Contain $tagOf[$OsOf[$os]] }
    }

    It 'is not listed again in the build scripts, the loader or the help' {
        $files = @(Get-Item (Join-Path $RepoRoot 'build.ps1')) +
            @(Get-ChildItem (Join-Path $RepoRoot 'tests/tools'), (Join-Path $RepoRoot 'module') -Recurse -File) +
            @(Get-ChildItem (Join-Path $RepoRoot 'src') -Recurse -File -Filter '*.cs' | Where-Object FullName -notmatch '[\\/](bin|obj)[\\/]')
        $lists = @($files | Where-Object {
            $text = Get-Content -Raw -LiteralPath $_.FullName
            @($PackageRuntimes | Where-Object { $text -notmatch "(?<![a-z0-9-])$([regex]::Escape($_))(?![a-z0-9-])" }).Count -eq 0
        } | ForEach-Object FullName)
        $lists | Should -BeNullOrEmpty -Because 'a file that names every packaged runtime is a second list of them'
    }
}

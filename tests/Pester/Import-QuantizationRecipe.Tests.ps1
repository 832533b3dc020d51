BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.ImportQuantizationRecipeCommand'
    $recipe = Join-Path $TestDrive 'recipe.json'
    $source = Import-Model $MnistPath
    $source | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact'
    $source | Set-LayerExclusion -Index 0 -Include -Mode Int16x8
    $source | Export-QuantizationRecipe $recipe
}

Describe 'Import-QuantizationRecipe' {
    It 'returns the plan without -InputObject' {
        $plan = Import-QuantizationRecipe $recipe
        $plan | Should -BeOfType ModelOptimization.Core.Quantization.QuantizationPlan
        $plan.Rules | Should -HaveCount 2
        $plan.Rules[1].Mode | Should -Be 'Int16x8'
    }

    It 'replaces the plan of piped models and writes nothing unless -PassThru' {
        $m = Import-Model $MnistPath
        $m | Set-LayerExclusion -Index 3
        $m | Import-QuantizationRecipe $recipe | Should -BeNullOrEmpty
        $m.Plan.Rules | Should -HaveCount 2
        $m.Plan.Rules[0].OpType | Should -Be 'SOFTMAX'
    }

    It 'appends with -Append and writes the model with -PassThru' {
        $m = Import-Model $MnistPath
        $m | Set-LayerExclusion -Index 3
        $out = $m | Import-QuantizationRecipe $recipe -Append -PassThru
        [object]::ReferenceEquals($out, $m) | Should -BeTrue
        $m.Plan.Rules | Should -HaveCount 3
    }

    It 'round-trips: the imported plan decides the layers as the original' {
        $m = Import-Model $MnistPath | Import-QuantizationRecipe $recipe -PassThru
        ($m | Get-ModelLayer).Decision | Should -Be ($source | Get-ModelLayer).Decision
    }

    It 'binds recipe files from Get-ChildItem' {
        @(Get-ChildItem -LiteralPath $recipe | Import-QuantizationRecipe) | Should -HaveCount 1
    }

    It 'reports RecipeInvalid for a malformed recipe: <Case>' -ForEach @(
        @{ Case = 'not JSON'; Text = '{ nope' }
        @{ Case = 'unknown key'; Text = '{"rules":[{"nmae":"x"}]}' }
        @{ Case = 'bad regex'; Text = '{"rules":[{"regex":"("}]}' }
        @{ Case = 'bad mode'; Text = '{"rules":[{"action":"include","mode":"Int3"}]}' }
    ) {
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content -LiteralPath $bad -Value $Text
        Import-QuantizationRecipe -LiteralPath $bad -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "RecipeInvalid$fqid"
        { Import-Model $MnistPath | Import-QuantizationRecipe -LiteralPath $bad -ErrorAction Stop } | Should -Throw -ErrorId "RecipeInvalid$fqid"
    }

    It 'reports ModelFileNotFound for a missing file' {
        Import-QuantizationRecipe (Join-Path $TestDrive 'missing.json') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelFileNotFound*'
    }
}

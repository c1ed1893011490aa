grader::chapter2!(solution_2);

grader::chapter1!(solution_1);
